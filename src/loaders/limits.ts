/**
 * How many keys one upstream call may carry, per endpoint. Defaults are BlueKing's documented
 * maxima (CONTRACTS.md §3, §6); a site whose gateway is configured tighter lowers them with
 * `BK_BATCH_LIMITS` (see src/config.ts). No loader ever sends more than these.
 */
export interface BatchLimits {
  /** search_business ids per call (page.limit max 200). */
  businessIds: number;
  /** list_biz_hosts / list_biz_hosts_topo page.limit and host ids per call (doc: 500). */
  hostsPage: number;
  /** find_host_biz_relations host ids per call (doc: fewer than 500). */
  hostBizIds: number;
  /**
   * find_host_topo_relation page.limit. The doc only *suggests* 200; CMDB rejects more than 1000
   * (1199059). The relation index reads whole businesses, so it takes the legal maximum.
   */
  relationPage: number;
  /** search_set page.limit (doc: 200). */
  setPage: number;
  /** search_module page.limit (no documented max; code: 1000). */
  modulePage: number;
  /** GSE agents per call (2.0 list_agent_state: 1000 by ARCHITECTURE.md; 1.0: 500). */
  gseAgents: number;
  /** Upstream calls one batch may have in flight at once. */
  concurrency: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = {
  businessIds: 200,
  hostsPage: 500,
  hostBizIds: 500,
  relationPage: 1000,
  setPage: 200,
  modulePage: 500,
  gseAgents: 1000,
  concurrency: 32,
};
