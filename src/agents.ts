import type { FieldNode, FragmentDefinitionNode } from 'graphql';
import { selectedHostFields } from './host-fields';
import type { Loaders } from './loaders';
import type { HostRef } from './loaders/refs';

/**
 * When a host connection's items read `agent`, the connection fetches its page's agent states
 * before it returns (one GSE batch for every connection of the wave, as with per-host loads), so
 * each `Host.agent` answers synchronously from `agentsByHost`. On a 1000-host answer that spares
 * 1000 promises graphql-js would otherwise create and settle one by one. A failed lookup is kept
 * as its Error: only the agent fields fail, the connection itself still arrives.
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
