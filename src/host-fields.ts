import type { FieldNode } from 'graphql';
import { selectedFields, type Fragments } from './selection';
import { HOST_FIELDS } from './upstream/cmdb';

/**
 * Which CMDB host fields a host list must ask for, from what the query selects. CMDB's host APIs
 * return only the `fields` requested ("能够加速接口请求和减少网络流量传输", its docs say), and a
 * 1000-host answer carrying every field and the topology costs bk-graph most of its time in JSON
 * parsing and garbage collection. `topo` says whether sets/modules are read (then the page comes
 * from list_biz_hosts_topo; otherwise list_biz_hosts, which carries no topology).
 */
export interface HostProjection {
  /** Sorted CMDB field names, always with bk_host_id. */
  readonly fields: readonly string[];
  readonly topo: boolean;
}

export const FULL_HOST_PROJECTION: HostProjection = { fields: [...HOST_FIELDS].sort(), topo: true };
/** What a count-only page needs: the smallest answer that still carries CMDB's `count`. */
export const COUNT_ONLY_PROJECTION: HostProjection = { fields: ['bk_host_id'], topo: false };

const NEEDS: Readonly<Record<string, readonly string[]>> = {
  __typename: [],
  id: ['bk_host_id'],
  innerIp: ['bk_host_innerip'],
  innerIps: ['bk_host_innerip'],
  innerIpv6: ['bk_host_innerip_v6'],
  outerIp: ['bk_host_outerip'],
  name: ['bk_host_name'],
  osType: ['bk_os_type'],
  osName: ['bk_os_name'],
  cloudId: ['bk_cloud_id'],
  agentId: ['bk_agent_id'],
  // GSE is asked by agent id, or `cloud:ip` for hosts without one.
  agent: ['bk_agent_id', 'bk_cloud_id', 'bk_host_innerip'],
  business: [],
  sets: [],
  modules: [],
};

/**
 * The projection a host connection field needs, from the Host fields its items select (its
 * `nodes { ... }` and `edges { node { ... } }`, see `selectedHostFields`).
 */
export function projectionOf(hostFields: ReadonlySet<string>): HostProjection {
  const fields = new Set<string>(['bk_host_id']);
  for (const name of hostFields) {
    const needs = NEEDS[name];
    // A Host field this map does not know yet: ask for everything rather than answer wrong.
    if (!needs) return FULL_HOST_PROJECTION;
    for (const f of needs) fields.add(f);
  }
  return { fields: [...fields].sort(), topo: hostFields.has('sets') || hostFields.has('modules') };
}

/** Names of the Host fields a host connection's items select, through fragments. */
export function selectedHostFields(connection: readonly FieldNode[], fragments: Fragments): Set<string> {
  const items = selectedFields(connection, fragments);
  const nodes = items.filter((f) => f.name.value === 'nodes');
  const edgeNodes = selectedFields(
    items.filter((f) => f.name.value === 'edges'),
    fragments,
  ).filter((f) => f.name.value === 'node');
  return new Set(selectedFields([...nodes, ...edgeNodes], fragments).map((f) => f.name.value));
}

export function isFullProjection(p: HostProjection): boolean {
  return p.topo && p.fields.length === FULL_HOST_PROJECTION.fields.length;
}
