/**
 * The vocabulary every layer shares: the BlueKing systems, their transports, and every documented
 * per-call limit, in one table. A leaf: it imports nothing, and config, clients and loaders all
 * read their limits here, so no two places can disagree about one.
 */

export const SYSTEMS = ['cmdb', 'job', 'gse', 'itsm', 'login', 'paas'] as const;
export type System = (typeof SYSTEMS)[number];
export type Transport = 'apigw' | 'esb';

/**
 * BlueKing's documented maxima per call (CONTRACTS.md). Where the server code accepts more than
 * the doc says, the documented value is the one every install promises, except where noted.
 */
export const DOCUMENTED_LIMITS = {
  cmdb: {
    /** search_business `page.limit` (§3.1). */
    businessPage: 200,
    /** list_biz_hosts, list_biz_hosts_topo, find_host_by_topo `page.limit` (§3.2, §3.3, §3.8). */
    hostsPage: 500,
    /** search_set `page.limit` (§3.6). */
    setPage: 200,
    /** search_module: no documented maximum, the code allows 1000 (§3.7); 500 as the host pages. */
    modulePage: 500,
    /**
     * find_host_topo_relation `page.limit`: the doc only *suggests* 200, the code rejects more
     * than 1000 (1199059, §3.5). Relation reads take whole businesses, so they use the legal maximum.
     */
    relationPage: 1000,
    /** Id lists in one call: bk_host_ids, bk_set_ids, bk_module_ids (§3.2, §3.5). */
    hostIds: 500,
    setIds: 200,
    moduleIds: 500,
    /** find_host_biz_relations host ids per call (doc: fewer than 500). */
    hostBizIds: 500,
    /** resource_watch answers at most 200 events per call (§3.9). */
    watchEvents: 200,
    /** Inner IPs in one host filter rule (the host property filter takes ≤ 500 values, §3.1). */
    innerIps: 500,
  },
  gse: {
    /** list_agent_state ids per call: clients use 2000–5000; 1000 keeps answers small (ARCHITECTURE.md). */
    agentsPerCallV2: 1000,
    /** get_agent_status / get_agent_info hosts per call: no documented maximum; 500 as CMDB's host page. */
    hostsPerCallV1: 500,
  },
  job: {
    /** batch_get_job_instance_ip_log hosts per call (more → 1241007, §4.4). */
    hostLogsPerCall: 500,
    /** get_job_plan_list and get_script_list `length` (§4.5, §4.8). */
    planPage: 1000,
    scriptPage: 1000,
  },
} as const;

/**
 * How many keys one upstream call may carry, per endpoint, and how many calls one batch may have in
 * flight. Defaults are the documented maxima above; a site whose gateway is configured tighter
 * lowers them with `BK_BATCH_LIMITS` (src/config.ts). No loader or client ever sends more.
 */
export interface BatchLimits {
  /** search_business ids per call. */
  businessIds: number;
  /** Host pages and host ids per call. */
  hostsPage: number;
  /** find_host_biz_relations host ids per call. */
  hostBizIds: number;
  /** find_host_topo_relation page size. */
  relationPage: number;
  /** search_set page size. */
  setPage: number;
  /** search_module page size. */
  modulePage: number;
  /** GSE agents per call (GSE 1.0 is capped at its own 500). */
  gseAgents: number;
  /** Upstream calls one batch may have in flight at once. */
  concurrency: number;
}

export const DEFAULT_BATCH_LIMITS: Readonly<BatchLimits> = {
  businessIds: DOCUMENTED_LIMITS.cmdb.businessPage,
  hostsPage: DOCUMENTED_LIMITS.cmdb.hostsPage,
  hostBizIds: DOCUMENTED_LIMITS.cmdb.hostBizIds,
  relationPage: DOCUMENTED_LIMITS.cmdb.relationPage,
  setPage: DOCUMENTED_LIMITS.cmdb.setPage,
  modulePage: DOCUMENTED_LIMITS.cmdb.modulePage,
  gseAgents: DOCUMENTED_LIMITS.gse.agentsPerCallV2,
  concurrency: 32,
};

/** The most `BK_BATCH_LIMITS` may set `concurrency` to. */
export const MAX_CONCURRENCY = 256;
