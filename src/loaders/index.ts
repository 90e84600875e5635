import type DataLoader from 'dataloader';
import type {
  AgentState,
  AppInfo,
  BkModule,
  BkSet,
  Business,
  HostRelation,
  JobHostLog,
  JobPlan,
  JobPlanDetail,
  JobScript,
  Page,
  TopoNode,
} from '../upstream/domain';
import { agentBatch, agentLoader, agentStarter, type AgentKey, type StartedAgents } from './agent.loader';
import { appByCodeLoader } from './app.loader';
import { businessByIdLoader, businessPagesLoader, type BusinessPageKey } from './business.loaders';
import type { LoaderDeps } from './deps';
import { hostBizLoader, hostInBizLoader, hostPagesLoader, inBizKey, type HostPageKey } from './host.loaders';
import { nodeHostsLoader, type NodeHostsKey } from './node-hosts.loader';
import { jobReads, type JobReads } from './job.loader';
import { jobHostLogLoader, type JobLogKey } from './job-log.loader';
import { jobPlanByIdLoader, jobPlanPagesLoader, type JobPlanPageKey } from './job-plan.loader';
import { jobScriptPagesLoader, type JobScriptPageKey } from './job-script.loader';
import type { HostRef } from './refs';
import {
  modulesByBizLoader,
  relationsByBizLoader,
  setsByBizLoader,
  topologyByBizLoader,
} from './topology.loaders';

export type { LoaderDeps } from './deps';
export type { BusinessPageKey } from './business.loaders';
export type { HostPageKey, HostQuery } from './host.loaders';
export type { NodeHostsKey } from './node-hosts.loader';
export type { JobKey, JobReadOptions, JobReads } from './job.loader';
export type { JobLogKey } from './job-log.loader';
export type { JobPlanPageKey } from './job-plan.loader';
export type { JobScriptPageKey } from './job-script.loader';
export { DEFAULT_BATCH_LIMITS, type BatchLimits } from '../upstream/limits';

/**
 * The per-request DataLoaders: one set per GraphQL request, so nothing batched or memoised here is
 * ever shared between callers (the cache underneath is identity-scoped on its own). For each field
 * of the read graph, the loader that serves it and how its keys batch:
 *
 * | field(s)                                  | loader         | upstream call, batching                          |
 * |-------------------------------------------|----------------|--------------------------------------------------|
 * | Query.businesses                          | businessPages  | search_business per window, pages of ≤200        |
 * | Query.business, *.business                | businessById   | search_business, ≤200 ids per call               |
 * | Business.hosts, Business.hostCount        | hostPages      | list_biz_hosts_topo per (biz, filter, window);    |
 * |                                           |                | hostCount shares the page's count                |
 * | Query.host                                | hostBiz        | find_host_biz_relations, ≤500 ids per call       |
 * | Query.host, Host.sets/modules (no topo)   | hostInBiz      | list_biz_hosts_topo by bk_host_id, ≤500 per biz   |
 * | Host.agent                                | agent          | GSE list_agent_state ≤1000 / get_agent_status ≤500|
 * |                                           |                | (hostPages starts its pages' batch itself)       |
 * | Business.sets, Set.*, Module.set          | setsByBiz      | search_set per business (pages of 200)           |
 * | Business.modules, Set.modules, Module.*   | modulesByBiz   | search_module per business                       |
 * | Business.topology                         | topologyByBiz  | search_biz_inst_topo per business                |
 * | Module.hosts, TopoNode.hosts              | nodeHosts      | one node: a direct page; many: relationsByBiz     |
 * | (index for nodeHosts)                     | relationsByBiz | find_host_topo_relation, pages of 1000           |
 * | Query.app                                 | appByCode      | PaaS app info, all codes in one call             |
 * | Query.jobPlans                            | jobPlanPages   | get_job_plan_list per window (≤1000)             |
 * | Query.jobPlan, JobPlan.variables/steps    | jobPlanById    | get_job_plan_detail per plan (no batch API)      |
 * | JobVariable.hosts, JobHostResult.host     | hostInBiz      | as above: ≤500 hosts of a business per call      |
 * | Query.scripts                             | jobScriptPages | get_script_list per window (≤1000)               |
 * | Query.job, jobUpdated, JobPayload.job     | jobs           | get_job_instance_status once per job (the jobs    |
 * |                                           |                | service's jobView); finished ones cached         |
 * | JobHostResult.log                         | jobHostLog     | batch_get_job_instance_ip_log per step, ≤500     |
 * |                                           |                | hosts per call; finished jobs' logs cached       |
 */
export interface Loaders {
  businessPages: DataLoader<BusinessPageKey, Page<Business>, string>;
  businessById: DataLoader<string, Business | null>;
  hostPages: DataLoader<HostPageKey, Page<HostRef>, string>;
  hostBiz: DataLoader<string, HostRelation[]>;
  hostInBiz: DataLoader<string, HostRef | null>;
  agent: DataLoader<AgentKey, AgentState | null, string>;
  setsByBiz: DataLoader<string, BkSet[]>;
  modulesByBiz: DataLoader<string, BkModule[]>;
  topologyByBiz: DataLoader<string, TopoNode[]>;
  relationsByBiz: DataLoader<string, HostRelation[]>;
  nodeHosts: DataLoader<NodeHostsKey, Page<HostRef>, string>;
  appByCode: DataLoader<string, AppInfo | null>;
  jobPlanPages: DataLoader<JobPlanPageKey, Page<JobPlan>, string>;
  jobPlanById: DataLoader<string, JobPlanDetail | null>;
  jobScriptPages: DataLoader<JobScriptPageKey, Page<JobScript>, string>;
  jobs: JobReads;
  jobHostLog: DataLoader<JobLogKey, JobHostLog | null, string>;
  /** Businesses whose relation index a parent resolver already asked for (see src/graph/business-prefetch.ts). */
  prefetchedRelations: Set<string>;
  /**
   * Agent states the host page loader asked GSE for as soon as its pages were in, by host id, so
   * `Host.agent` answers from them (without a promise per host once GSE has answered; see
   * src/graph/started-agent.ts). Per request, never shared.
   */
  startedAgents: StartedAgents;
}

export function createLoaders(deps: LoaderDeps): Loaders {
  const hostInBiz = hostInBizLoader(deps);
  // Hosts a page already returned with their topology answer later by-id lookups for free.
  const primeHosts = (hosts: HostRef[]) => {
    for (const h of hosts) if (h.topo && h.businessId) hostInBiz.prime(inBizKey(h.businessId, h.id), h);
  };
  const agents = agentBatch(deps);
  const startedAgents: StartedAgents = { byHost: new Map(), pending: new Map() };
  const hostPages = hostPagesLoader(deps, primeHosts, agentStarter(agents, startedAgents));
  const relationsByBiz = relationsByBizLoader(deps);
  const prefetchedRelations = new Set<string>();
  const businessById = businessByIdLoader(deps);
  return {
    businessPages: businessPagesLoader(deps, (found) => {
      for (const b of found) businessById.prime(b.id, b);
    }),
    businessById,
    hostPages,
    hostBiz: hostBizLoader(deps),
    hostInBiz,
    agent: agentLoader(agents, deps),
    setsByBiz: setsByBizLoader(deps),
    modulesByBiz: modulesByBizLoader(deps),
    topologyByBiz: topologyByBizLoader(deps),
    relationsByBiz,
    nodeHosts: nodeHostsLoader(deps, { hostPages, hostInBiz, relationsByBiz, prefetchedRelations }),
    appByCode: appByCodeLoader(deps),
    jobPlanPages: jobPlanPagesLoader(deps),
    jobPlanById: jobPlanByIdLoader(deps),
    jobScriptPages: jobScriptPagesLoader(deps),
    jobs: jobReads(deps),
    jobHostLog: jobHostLogLoader(deps),
    prefetchedRelations,
    startedAgents,
  };
}
