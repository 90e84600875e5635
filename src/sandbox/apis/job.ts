import type { ApiDef, ApiModuleFactory, SandboxContext, SbRequest } from '../types';
import { jobControlRoutes } from './job/control';
import { executeJobPlan, fastExecuteScript } from './job/execute';
import { batchGetJobInstanceIpLog, getJobInstanceIpLog, getJobInstanceStatus } from './job/instances';
import { getJobPlanDetail, getJobPlanList } from './job/plans';
import { getScriptList } from './job/scripts';
import { JobState } from './job/state';
import { APP_MODE_WRITES, asOperator } from './job/system';

/**
 * JOB v3 (CONTRACTS.md §4): APIGW `bk-job` `/api/v3/<name>` with the documented verbs, ESB
 * `jobv3/<name>`, user and app verified. The read APIs and the two executions also exist in app
 * mode, `/api/v3/system/<name>` (APIGW only, same verb; operator rules in job/system.ts); their calls
 * count in `/_sandbox/stats` as `job.system.<name>`, so tests can tell background reads from
 * user reads. Seeded plans and scripts per business; executions progress by themselves (see
 * job/engine.ts). Control routes under `/_sandbox/job/` (job/control.ts).
 */

type Handler = (ctx: SandboxContext, state: JobState, req: SbRequest) => unknown;

const ROUTES: ReadonlyArray<{ api: string; method: 'GET' | 'POST'; handler: Handler; read?: true }> = [
  { api: 'execute_job_plan', method: 'POST', handler: executeJobPlan },
  { api: 'fast_execute_script', method: 'POST', handler: fastExecuteScript },
  { api: 'get_job_instance_status', method: 'GET', handler: getJobInstanceStatus, read: true },
  { api: 'batch_get_job_instance_ip_log', method: 'POST', handler: batchGetJobInstanceIpLog, read: true },
  { api: 'get_job_instance_ip_log', method: 'GET', handler: getJobInstanceIpLog, read: true },
  { api: 'get_job_plan_list', method: 'GET', handler: getJobPlanList, read: true },
  { api: 'get_job_plan_detail', method: 'GET', handler: getJobPlanDetail, read: true },
  { api: 'get_script_list', method: 'GET', handler: getScriptList, read: true },
];

export const createJobApis: ApiModuleFactory = (ctx) => {
  const state = new JobState(ctx);
  const userApis: ApiDef[] = ROUTES.map((r) => ({
    system: 'job',
    api: r.api,
    apigw: { gateway: 'bk-job', method: r.method, path: `/api/v3/${r.api}` },
    esb: { system: 'jobv3', name: r.api },
    userVerifiedRequired: true,
    userRequired: true,
    envelope: 'job',
    handler: (req: SbRequest) => r.handler(ctx, state, req),
  }));
  const systemApis: ApiDef[] = ROUTES.filter((r) => r.read || APP_MODE_WRITES.has(r.api)).map((r) => ({
    system: 'job',
    api: `system.${r.api}`,
    apigw: { gateway: 'bk-job', method: r.method, path: `/api/v3/system/${r.api}` },
    esb: null,
    // The gateway asks for a verified app only; the operator is job-gateway's business.
    userVerifiedRequired: false,
    userRequired: false,
    envelope: 'job',
    handler: (req: SbRequest) => r.handler(ctx, state, asOperator(req)),
  }));
  return {
    apis: [...userApis, ...systemApis],
    controlRoutes: jobControlRoutes(state),
    reset: () => state.reset(),
    resetCounters: () => state.resetCounters(),
  };
};
