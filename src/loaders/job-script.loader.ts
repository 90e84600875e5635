import DataLoader from 'dataloader';
import type { JobScript, JobScriptLanguage, Page } from '../upstream/domain';
import { mapBounded } from '../upstream/mapping';
import { asError, stableKey, type LoaderDeps } from './deps';

/** A window of a business's scripts (get_script_list), optionally of one language. */
export interface JobScriptPageKey {
  bizId: string;
  name?: string;
  language?: JobScriptLanguage;
  offset: number;
  /** At most JOB_LIMITS.scriptPage (1000): one call per window. */
  limit: number;
}

/** Windows of get_script_list (`Query.scripts`): one call per distinct window. Not cached. */
export function jobScriptPagesLoader(
  deps: LoaderDeps,
): DataLoader<JobScriptPageKey, Page<JobScript>, string> {
  const { job } = deps.clients;
  return new DataLoader<JobScriptPageKey, Page<JobScript>, string>(
    (keys) =>
      mapBounded(keys, deps.limits.concurrency, (k) =>
        job
          .scriptList(
            {
              bizId: k.bizId,
              ...(k.name ? { name: k.name } : {}),
              ...(k.language ? { language: k.language } : {}),
              start: k.offset,
              limit: k.limit,
            },
            deps.callContext(),
          )
          .catch(asError),
      ),
    { cacheKeyFn: stableKey, batchScheduleFn: deps.schedule },
  );
}
