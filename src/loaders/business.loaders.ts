import DataLoader from 'dataloader';
import { isUpstreamError } from '../errors';
import type { BusinessFilter } from '../upstream/cmdb';
import type { Business, Page } from '../upstream/domain';
import { chunk, mapBounded } from '../upstream/mapping';
import { fetchWindow } from '../upstream/paging';
import { asError, cached, cachedMany, stableKey, type LoaderDeps } from './deps';

/**
 * Businesses by id: one search_business per `businessIds` ids. An id search_business does not
 * return is either unknown (null) or hidden from the caller: CMDB filters search_business by the
 * caller's permissions, so a biz-scoped probe (search_set, limit 1) tells the two apart, and a
 * hidden business becomes FORBIDDEN with IAM's permission details instead of a silent null. The
 * probe runs only for ids that were not found, so it never costs a call on the happy path.
 */
export function businessByIdLoader(deps: LoaderDeps): DataLoader<string, Business | null> {
  const { cmdb } = deps.clients;

  async function probe(id: string): Promise<null | Error> {
    try {
      await cmdb.searchSet({ bizId: id, start: 0, limit: 1 }, deps.callContext());
    } catch (e) {
      if (isUpstreamError(e) && e.kind === 'permission') return e;
    }
    return null;
  }

  async function search(ids: string[]): Promise<Map<string, Business>> {
    const found = new Map<string, Business>();
    await mapBounded(chunk(ids, deps.limits.businessIds), deps.limits.concurrency, async (part) => {
      const page = await cmdb.searchBusiness({ ids: part, start: 0, limit: part.length }, deps.callContext());
      for (const b of page.items) found.set(b.id, b);
    });
    return found;
  }

  return new DataLoader<string, Business | null>(
    async (ids) => {
      const found = await cachedMany(deps, 'business', ids, search);
      return Promise.all(ids.map((id) => found.get(id) ?? probe(id)));
    },
    { batchScheduleFn: deps.schedule },
  );
}

/** A window of the businesses the caller may see, narrowed by `filter`. */
export interface BusinessPageKey {
  filter: BusinessFilter;
  offset: number;
  limit: number;
}

/**
 * Windows of the caller's business list (`Query.businesses`): search_business in pages of
 * `businessIds`, through the cache (kind `business`) and shared by equal windows of one request.
 * The businesses it finds answer `businessById` for the rest of the request without a call.
 */
export function businessPagesLoader(
  deps: LoaderDeps,
  prime: (businesses: readonly Business[]) => void,
): DataLoader<BusinessPageKey, Page<Business>, string> {
  const { cmdb } = deps.clients;
  const load = async ({ filter, offset, limit }: BusinessPageKey): Promise<Page<Business>> => {
    const page = await cached(deps, 'business', `page:${stableKey(filter)}:${offset}:${limit}`, () =>
      fetchWindow(
        { offset, limit },
        deps.limits.businessIds,
        (start, n) => cmdb.searchBusiness({ ...filter, start, limit: n }, deps.callContext()),
        deps.limits.concurrency,
      ),
    );
    prime(page.items);
    return page;
  };
  return new DataLoader<BusinessPageKey, Page<Business>, string>(
    (keys) => Promise.all(keys.map((k) => load(k).catch(asError))),
    { cacheKeyFn: (k) => `${stableKey(k.filter)}|${k.offset}|${k.limit}`, batchScheduleFn: deps.schedule },
  );
}
