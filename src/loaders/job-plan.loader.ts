import DataLoader from 'dataloader';
import { isUpstreamError } from '../errors';
import type { JobPlan, JobPlanDetail, Page } from '../upstream/domain';
import { mapBounded } from '../upstream/mapping';
import { asError, stableKey, type LoaderDeps } from './deps';

/** A window of a business's execution plans, `name` matched fuzzily by JOB. */
export interface JobPlanPageKey {
  bizId: string;
  name?: string;
  offset: number;
  /** At most JOB_LIMITS.planPage (1000): one call per window. */
  limit: number;
}

/** JOB's "job plan does not exist" codes (CONTRACTS.md §4.1, §4.7). */
const PLAN_NOT_FOUND = new Set([1243009, 1244012]);

/** Windows of get_job_plan_list (`Query.jobPlans`): one call per distinct window. Not cached. */
export function jobPlanPagesLoader(deps: LoaderDeps): DataLoader<JobPlanPageKey, Page<JobPlan>, string> {
  const { job } = deps.clients;
  return new DataLoader<JobPlanPageKey, Page<JobPlan>, string>(
    (keys) =>
      mapBounded(keys, deps.limits.concurrency, (k) =>
        job
          .planList(
            { bizId: k.bizId, ...(k.name ? { name: k.name } : {}), start: k.offset, limit: k.limit },
            deps.callContext(),
          )
          .catch(asError),
      ),
    { cacheKeyFn: stableKey, batchScheduleFn: deps.schedule },
  );
}

/**
 * Plans by `bizId:planId` (`Query.jobPlan`, a listed plan's variables and steps): one
 * get_job_plan_detail per plan (JOB has no batch read). A plan JOB does not know is null.
 */
export function jobPlanByIdLoader(deps: LoaderDeps): DataLoader<string, JobPlanDetail | null> {
  const { job } = deps.clients;
  return new DataLoader<string, JobPlanDetail | null>(
    (keys) =>
      mapBounded(keys, deps.limits.concurrency, async (key) => {
        const [bizId = '', planId = ''] = key.split(':');
        try {
          return await job.planDetail({ bizId, planId }, deps.callContext());
        } catch (error) {
          if (
            isUpstreamError(error) &&
            error.kind === 'business' &&
            PLAN_NOT_FOUND.has(Number(error.upstream.code))
          )
            return null;
          return asError(error);
        }
      }),
    { batchScheduleFn: deps.schedule },
  );
}
