import type { ApiSpec, HttpMethod } from '../types';

/**
 * JOB v3 user-mode resources (`/api/v3/<name>`, CONTRACTS.md §4). The ESB map suggests POST for
 * all of them, but ESB accepts either verb; using APIGW's verb keeps one request shape per API.
 */
function jobSpec(api: string, method: HttpMethod, idempotent = true): ApiSpec {
  return {
    system: 'job',
    api,
    apigw: { gateway: 'bk-job', method, path: `/api/v3/${api}` },
    esb: { system: 'jobv3', name: api, method },
    idempotent,
    envelope: 'bk',
  };
}

/**
 * The same API in app mode (CONTRACTS.md §1.2, §4): APIGW `/api/v3/system/<name>`, where the
 * gateway verifies the app only and job-gateway takes the operator from `X-Bk-Username`
 * (`operatorHeader`). ESB has no such resources: there the component itself is called with the
 * `bk_username` common argument, which ESB accepts from apps on its login-free whitelist. Named
 * `system.<name>` in errors, logs and metrics, as the sandbox counts it.
 */
function jobSystemSpec(api: string, method: HttpMethod, idempotent = true): ApiSpec {
  return {
    ...jobSpec(api, method, idempotent),
    api: `system.${api}`,
    apigw: { gateway: 'bk-job', method, path: `/api/v3/system/${api}` },
    operatorHeader: true,
  };
}

export const jobSpecs = {
  // Starting a job twice runs it twice: never retried.
  executeJobPlan: jobSpec('execute_job_plan', 'POST', false),
  fastExecuteScript: jobSpec('fast_execute_script', 'POST', false),
  getJobInstanceStatus: jobSpec('get_job_instance_status', 'GET'),
  batchGetJobInstanceIpLog: jobSpec('batch_get_job_instance_ip_log', 'POST'),
  getJobInstanceIpLog: jobSpec('get_job_instance_ip_log', 'GET'),
  getJobPlanList: jobSpec('get_job_plan_list', 'GET'),
  getJobPlanDetail: jobSpec('get_job_plan_detail', 'GET'),
  getScriptList: jobSpec('get_script_list', 'GET'),
  // App mode, for work done on a user's behalf without their credentials (approved jobs, polling).
  systemExecuteJobPlan: jobSystemSpec('execute_job_plan', 'POST', false),
  systemFastExecuteScript: jobSystemSpec('fast_execute_script', 'POST', false),
  systemGetJobInstanceStatus: jobSystemSpec('get_job_instance_status', 'GET'),
} as const satisfies Record<string, ApiSpec>;

export const JOB_LIMITS = {
  /** batch_get_job_instance_ip_log hosts per call (more → 1241007). */
  hostLogsPerCall: 500,
  /** get_job_plan_list `length` maximum. */
  planPage: 1000,
  /** get_script_list `length` maximum (CONTRACTS.md §4.8). */
  scriptPage: 1000,
  /** fast_execute_script `script_param`, plain text before base64 (CONTRACTS.md §4.2). */
  scriptParamBytes: 64 * 1024,
  /** The same when `is_param_sensitive` (JOB encrypts it, which grows it). */
  sensitiveScriptParamBytes: 47 * 1024,
  /** fast_execute_script `task_name` (§4.2). */
  taskNameChars: 512,
  /** fast_execute_script `timeout` range, seconds (§4.2). */
  timeoutSeconds: { min: 1, max: 86_400, default: 7200 },
  /**
   * Inline script text, plain. JOB documents no maximum; this is bk-graph's bound, far below the
   * gateway's 40 MB body limit (§1.4) once base64 grows it by a third.
   */
  scriptBytes: 5 * 1024 * 1024,
  /**
   * Target hosts of one execution. JOB documents no maximum (sites bound it in JOB's own
   * configuration); this is bk-graph's bound so one mutation cannot name an unbounded list.
   */
  targetHosts: 10_000,
} as const;
