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

export const jobSpecs = {
  // Starting a job twice runs it twice: never retried.
  executeJobPlan: jobSpec('execute_job_plan', 'POST', false),
  fastExecuteScript: jobSpec('fast_execute_script', 'POST', false),
  getJobInstanceStatus: jobSpec('get_job_instance_status', 'GET'),
  batchGetJobInstanceIpLog: jobSpec('batch_get_job_instance_ip_log', 'POST'),
  getJobInstanceIpLog: jobSpec('get_job_instance_ip_log', 'GET'),
  getJobPlanList: jobSpec('get_job_plan_list', 'GET'),
  getJobPlanDetail: jobSpec('get_job_plan_detail', 'GET'),
} as const satisfies Record<string, ApiSpec>;

export const JOB_LIMITS = {
  /** batch_get_job_instance_ip_log hosts per call (more → 1241007). */
  hostLogsPerCall: 500,
  /** get_job_plan_list `length` maximum. */
  planPage: 1000,
} as const;
