import type { FieldNode, FragmentDefinitionNode } from 'graphql';
import { selectedHostFields } from './host-fields';
import type { Loaders } from './loaders';
import type { HostRef } from './loaders/refs';
import { afterIssuedWrites } from './upstream/http/issued';

/**
 * Starts the GSE lookup of a host page's agents as soon as the page is known, when its items read
 * `agent`: `business(id)` calls it from its prefetch, so GSE is asked while CMDB is still
 * answering for the business itself. The states land in the request's agent loader (so
 * `Host.agent` gets these very promises: one GSE batch) and, once known, in `agentsByHost`, from
 * which `Host.agent` answers without a promise. A failed lookup is kept as its Error: only the
 * agent fields fail.
 *
 * Host connections themselves never wait for agents: the rest of each host (ids, IPs, topology)
 * is resolved while GSE answers, and only the agent fields complete afterwards.
 *
 * Returns when the GSE request has had its turn to be written (see `afterIssuedWrites`): the
 * prefetch hands the page to its resolvers only then, so resolving 500 hosts never sits between
 * the GSE request and the wire.
 */
export function preloadAgents(
  loaders: Loaders,
  hosts: readonly HostRef[],
  connection: readonly FieldNode[],
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
): Promise<void> {
  if (hosts.length === 0 || !selectedHostFields(connection, fragments).has('agent')) return Promise.resolve();
  loaders.agent.loadMany(hosts).then((states) => {
    hosts.forEach((h, i) => loaders.agentsByHost.set(h.id, states[i] ?? null));
  });
  return afterIssuedWrites();
}
