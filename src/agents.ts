import type { FieldNode, FragmentDefinitionNode } from 'graphql';
import { selectedHostFields } from './host-fields';
import type { Loaders } from './loaders';
import type { HostRef } from './loaders/refs';

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
 */
export async function preloadAgents(
  loaders: Loaders,
  hosts: readonly HostRef[],
  connection: readonly FieldNode[],
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
): Promise<void> {
  if (hosts.length === 0 || !selectedHostFields(connection, fragments).has('agent')) return;
  const states = await loaders.agent.loadMany(hosts);
  hosts.forEach((h, i) => loaders.agentsByHost.set(h.id, states[i] ?? null));
}
