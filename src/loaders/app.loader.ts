import DataLoader from 'dataloader';
import type { AppInfo } from '../upstream/domain';
import { cachedMany, type LoaderDeps } from './deps';

/**
 * PaaS apps by code, all codes of a request in one call. Cached `shared`: an app's name and
 * developers are public metadata of the platform, the same whoever asks.
 */
export function appByCodeLoader(deps: LoaderDeps): DataLoader<string, AppInfo | null> {
  const { paas } = deps.clients;
  return new DataLoader<string, AppInfo | null>(
    async (codes) => {
      const found = await cachedMany(
        deps,
        'app',
        codes,
        async (missing) => {
          const apps = await paas.appInfo(missing, deps.callContext());
          return new Map(missing.map((code, i) => [code, apps[i] ?? null]));
        },
        { shared: true },
      );
      return codes.map((c) => found.get(c) ?? null);
    },
    { batchScheduleFn: deps.schedule },
  );
}
