import type { FieldNode, FragmentDefinitionNode } from 'graphql';
import { selectedHostFields } from './host-fields';
import type { Loaders } from './loaders';
import { asError } from './loaders/deps';
import type { HostRef } from './loaders/refs';
import type { AgentState } from './upstream/domain';
import { afterIssuedWrites } from './upstream/http/issued';

/**
 * Starts the GSE lookup of a host page's agents as soon as the page is known, when its items read
 * `agent`: `business(id)` calls it from its prefetch, so GSE is asked while CMDB is still
 * answering for the business itself.
 *
 * The page is a whole batch already, so it goes straight to the agent loader's batch function
 * (same cache, same chunking) instead of through 500 `load` calls and a DataLoader round: the GSE
 * request is issued in this very turn of the event loop. While it is in flight the page's hosts
 * are in `agentsPending`; once it answers, their states (or its Error: only the agent fields fail)
 * are in `agentsByHost`, from which `Host.agent` answers without a promise.
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
  const known = loaders.agentsByHost;
  const settled = loaders.agentBatch(hosts).then(
    (states) => hosts.forEach((h, i) => known.set(h.id, states[i] ?? null)),
    (e: unknown) => {
      const error = asError(e);
      for (const h of hosts) known.set(h.id, error);
    },
  );
  for (const h of hosts) loaders.agentsPending.set(h.id, settled);
  return afterIssuedWrites();
}

/**
 * A host's agent state as far as the prefetch knows it: the state, a promise of it while the
 * prefetch's GSE batch is in flight, or undefined when the prefetch never asked for this host.
 */
export function prefetchedAgent(
  loaders: Loaders,
  hostId: string,
): AgentState | null | Promise<AgentState | null> | undefined {
  const settled = (): AgentState | null => {
    const state = loaders.agentsByHost.get(hostId);
    if (state instanceof Error) throw state;
    return state ?? null;
  };
  if (loaders.agentsByHost.has(hostId)) return settled();
  return loaders.agentsPending.get(hostId)?.then(settled);
}
