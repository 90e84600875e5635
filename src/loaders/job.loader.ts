import type { JobInstance } from '../upstream/domain';
import type { LoaderDeps } from './deps';

/** One JOB execution: instance ids are unique across JOB; the business scopes the read. */
export interface JobKey {
  bizId: string;
  jobInstanceId: string;
}

export interface JobReadOptions {
  /** Read again even if this request read the job already (each event of a subscription). */
  fresh?: boolean;
}

/**
 * Reads of JOB executions (`Query.job`, `jobUpdated`, a mutation's payload). The read itself is
 * the caller's (`view`: the jobs service's jobView, with the caller's rights); this only decides
 * when it runs: at most once per request and key, and not at all for an execution JOB already
 * called finished that is in the identity-scoped cache (kind `jobs`). Only finished executions
 * are stored: JOB's FINISHED_STATUS_SET never changes again, everything else may change any moment.
 */
export interface JobReads {
  load(
    key: JobKey,
    view: () => Promise<JobInstance | null>,
    options?: JobReadOptions,
  ): Promise<JobInstance | null>;
}

export function jobReads(deps: LoaderDeps): JobReads {
  const memo = new Map<string, Promise<JobInstance | null>>();

  async function read(key: JobKey, view: () => Promise<JobInstance | null>): Promise<JobInstance | null> {
    const cache = deps.cache;
    if (!cache) return view();
    let answered: JobInstance | null | undefined;
    const hit = await cache.getOrLoad<JobInstance | undefined>(
      'jobs',
      `job:${key.jobInstanceId}`,
      async () => {
        answered = await view();
        // undefined is not stored: an unfinished (or unknown) execution is answered, never cached.
        return answered?.finished ? answered : undefined;
      },
      { bizId: key.bizId },
    );
    if (hit !== undefined) return hit;
    // Nothing answered here: this request joined another's read, which found it unfinished.
    return answered !== undefined ? answered : view();
  }

  return {
    load(key, view, options = {}) {
      const id = `${key.bizId}:${key.jobInstanceId}`;
      let pending = options.fresh ? undefined : memo.get(id);
      if (!pending) {
        pending = read(key, view);
        memo.set(id, pending);
        // A failed read is not remembered: the next field that asks tries again.
        pending.catch(() => {
          if (memo.get(id) === pending) memo.delete(id);
        });
      }
      return pending;
    },
  };
}
