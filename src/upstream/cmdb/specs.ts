import { DOCUMENTED_LIMITS } from '../limits';
import type { ApiSpec } from '../types';

/** Every CMDB open API is a POST (CONTRACTS.md §3); path parameters go in the body on ESB. */
function cmdbSpec(api: string, path: string, extra: Partial<ApiSpec> = {}): ApiSpec {
  return {
    system: 'cmdb',
    api,
    apigw: { gateway: 'bk-cmdb', method: 'POST', path },
    esb: { system: 'cc', name: api, method: 'POST' },
    idempotent: true,
    envelope: 'bk',
    ...extra,
  };
}

export const cmdbSpecs = {
  searchBusiness: cmdbSpec('search_business', '/api/v3/biz/search/{bk_supplier_account}'),
  listBizHosts: cmdbSpec('list_biz_hosts', '/api/v3/hosts/app/{bk_biz_id}/list_hosts'),
  listBizHostsTopo: cmdbSpec('list_biz_hosts_topo', '/api/v3/hosts/app/{bk_biz_id}/list_hosts_topo'),
  searchBizInstTopo: cmdbSpec('search_biz_inst_topo', '/api/v3/find/topoinst/biz/{bk_biz_id}'),
  findHostTopoRelation: cmdbSpec('find_host_topo_relation', '/api/v3/host/topo/relation/read'),
  searchSet: cmdbSpec('search_set', '/api/v3/set/search/{bk_supplier_account}/{bk_biz_id}'),
  searchModule: cmdbSpec(
    'search_module',
    '/api/v3/module/search/{bk_supplier_account}/{bk_biz_id}/{bk_set_id}',
  ),
  // Not in CONTRACTS.md: bk-cmdb's own doc (查询主机业务关系信息); the only way from a bare host id
  // to its business. Path from bk-cmdb's gateway resource map.
  findHostBizRelations: cmdbSpec('find_host_biz_relations', '/api/v3/hosts/modules/read'),
  findHostByTopo: cmdbSpec('find_host_by_topo', '/api/v3/findmany/hosts/by_topo/biz/{bk_biz_id}'),
  // CMDB long-polls up to ~20 s when nothing changes (§3.9): the attempt must outlive that.
  resourceWatch: cmdbSpec('resource_watch', '/api/v3/event/watch/resource/{bk_resource}', {
    timeoutMs: 30_000,
  }),
} as const satisfies Record<string, ApiSpec>;

/** CMDB's documented per-call maxima (one table for every system: src/upstream/limits.ts). */
export const CMDB_LIMITS = DOCUMENTED_LIMITS.cmdb;
