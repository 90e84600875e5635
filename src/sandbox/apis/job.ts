import type { ApiDef, ApiModuleFactory, SandboxContext, SbRequest } from '../types';
import { executeJobPlan, fastExecuteScript } from './job/execute';
import { batchGetJobInstanceIpLog, getJobInstanceIpLog, getJobInstanceStatus } from './job/instances';
import { getJobPlanDetail, getJobPlanList } from './job/plans';
import { JobState } from './job/state';

/**
 * JOB v3 (CONTRACTS.md §4): APIGW `bk-job` `/api/v3/<name>` with the documented verbs, ESB
 * `jobv3/<name>`. Seeded plans per business; executions progress by themselves (see job/engine.ts).
 */

type Handler = (ctx: SandboxContext, state: JobState, req: SbRequest) => unknown;

const ROUTES: ReadonlyArray<{ api: string; method: 'GET' | 'POST'; handler: Handler }> = [
  { api: 'execute_job_plan', method: 'POST', handler: executeJobPlan },
  { api: 'fast_execute_script', method: 'POST', handler: fastExecuteScript },
  { api: 'get_job_instance_status', method: 'GET', handler: getJobInstanceStatus },
  { api: 'batch_get_job_instance_ip_log', method: 'POST', handler: batchGetJobInstanceIpLog },
  { api: 'get_job_instance_ip_log', method: 'GET', handler: getJobInstanceIpLog },
  { api: 'get_job_plan_list', method: 'GET', handler: getJobPlanList },
  { api: 'get_job_plan_detail', method: 'GET', handler: getJobPlanDetail },
];

export const createJobApis: ApiModuleFactory = (ctx) => {
  const state = new JobState(ctx);
  const apis: ApiDef[] = ROUTES.map((r) => ({
    system: 'job',
    api: r.api,
    apigw: { gateway: 'bk-job', method: r.method, path: `/api/v3/${r.api}` },
    esb: { system: 'jobv3', name: r.api },
    userVerifiedRequired: true,
    userRequired: true,
    envelope: 'job',
    handler: (req: SbRequest) => r.handler(ctx, state, req),
  }));
  return { apis, reset: () => state.reset() };
};
