import type { FieldNode } from 'graphql';
import { FULL_HOST_PROJECTION, type HostProjection } from '../loaders/host-projection';
import type { HostField } from '../upstream/domain';
import { selectedFields, type Fragments } from './selection';

/** The host fields each GraphQL `Host` field is read from. */
const NEEDS: Readonly<Record<string, readonly HostField[]>> = {
  __typename: [],
  id: ['id'],
  innerIp: ['innerIp'],
  innerIps: ['innerIp'],
  innerIpv6: ['innerIpv6'],
  outerIp: ['outerIp'],
  name: ['name'],
  osType: ['osType'],
  osName: ['osName'],
  cloudId: ['cloudId'],
  agentId: ['agentId'],
  // GSE is asked by agent id, or `cloud:ip` for hosts without one.
  agent: ['agentId', 'cloudId', 'innerIp'],
  business: [],
  sets: [],
  modules: [],
};

/**
 * The projection a host connection field needs, from the Host fields its items select (its
 * `nodes { ... }` and `edges { node { ... } }`, see `selectedHostFields`).
 */
export function projectionOf(hostFields: ReadonlySet<string>): HostProjection {
  const fields = new Set<HostField>(['id']);
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
