import { isUpstreamError } from '../../errors';
import type { JobInstance } from '../../upstream/domain';
import type { JobClient } from '../../upstream/job';
import type { Actor } from '../actor';
import { numericId } from './validate';

/** JOB's "Task instance does not exist" (CONTRACTS.md §4.7). */
const JOB_NOT_FOUND = 1244006;

/**
 * One JOB execution as JOB reports it now — steps and per-host results — read with the actor's
 * own rights (a business they may not see is FORBIDDEN with `extensions.permission`, as on every
 * read), or null when JOB has no such instance in the business. BAD_USER_INPUT for an id that is
 * not numeric, before any call.
 *
 * A finished execution never changes again (JOB's FINISHED_STATUS_SET), so its answer may be
 * cached for as long as one likes — but per identity, like every cache here: whether the caller
 * may see it is JOB's decision each time. Not cached here; see the README's note on caching.
 */
export async function viewJob(
  job: JobClient,
  actor: Actor,
  bizId: string,
  jobInstanceId: string,
): Promise<JobInstance | null> {
  const biz = numericId(bizId, 'businessId');
  const id = numericId(jobInstanceId, 'id');
  try {
    return await job.jobInstanceStatus(
      { bizId: biz, jobInstanceId: id, withHosts: true, mode: actor.mode },
      {
        credentials: actor.credentials,
        tenantId: actor.tenantId,
        requestId: actor.requestId,
        deadline: actor.deadline,
      },
    );
  } catch (error) {
    if (isUpstreamError(error) && error.kind === 'business' && Number(error.upstream.code) === JOB_NOT_FOUND)
      return null;
    throw error;
  }
}
