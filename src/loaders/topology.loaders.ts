import DataLoader from 'dataloader';
import type { CacheKind } from '../cache';
import type { BkModule, BkSet, HostRelation, TopoNode } from '../upstream/domain';
import { fetchAllPages } from '../upstream/paging';
import { asError, cached, type LoaderDeps } from './deps';

/**
 * Per-business lists that CMDB only answers one business at a time (search_set, search_module,
 * search_biz_inst_topo, find_host_topo_relation): one call (or one paged read) per business per
 * request, whichever fields ask for them.
 */
function perBusiness<T>(
  deps: LoaderDeps,
  kind: CacheKind,
  load: (bizId: string) => Promise<T>,
): DataLoader<string, T> {
  return new DataLoader<string, T>(
    (bizIds) =>
      Promise.all(
        bizIds.map((bizId) => cached(deps, kind, kind, () => load(bizId), { bizId }).catch(asError)),
      ),
    { batchScheduleFn: deps.schedule },
  );
}

export function setsByBizLoader(deps: LoaderDeps): DataLoader<string, BkSet[]> {
  const { cmdb } = deps.clients;
  return perBusiness(deps, 'sets', async (bizId) => {
    const page = await fetchAllPages(
      (start, limit) => cmdb.searchSet({ bizId, start, limit }, deps.callContext()),
      { pageSize: deps.limits.setPage, concurrency: deps.limits.concurrency },
    );
    return page.items;
  });
}

export function modulesByBizLoader(deps: LoaderDeps): DataLoader<string, BkModule[]> {
  const { cmdb } = deps.clients;
  return perBusiness(deps, 'modules', async (bizId) => {
    const page = await fetchAllPages(
      (start, limit) => cmdb.searchModule({ bizId, start, limit }, deps.callContext()),
      { pageSize: deps.limits.modulePage, concurrency: deps.limits.concurrency },
    );
    return page.items;
  });
}

export function topologyByBizLoader(deps: LoaderDeps): DataLoader<string, TopoNode[]> {
  const { cmdb } = deps.clients;
  return perBusiness(deps, 'topology', (bizId) => cmdb.searchBizInstTopo(bizId, deps.callContext()));
}

/** Every host-module row of a business: the index that answers many topology nodes' host lists at once. */
export function relationsByBizLoader(deps: LoaderDeps): DataLoader<string, HostRelation[]> {
  const { cmdb } = deps.clients;
  return perBusiness(deps, 'relations', async (bizId) => {
    const page = await fetchAllPages(
      (start, limit) => cmdb.findHostTopoRelation({ bizId, start, limit }, deps.callContext()),
      { pageSize: deps.limits.relationPage, concurrency: deps.limits.concurrency },
    );
    return page.items;
  });
}
