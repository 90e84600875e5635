import type { Loaders } from '../loaders';
import type { AgentState } from '../upstream/domain';

/**
 * A host's agent state as far as the host page loader's own GSE batch knows it (see
 * `agentStarter`): the state, a promise of it while that batch is in flight, or undefined when
 * the host was not in one (then `Host.agent` goes through the agent DataLoader).
 *
 * Host connections never wait for agents: the rest of each host (ids, IPs, topology) is resolved
 * while GSE answers, and only the agent fields complete afterwards.
 */
export function startedAgent(
  loaders: Loaders,
  hostId: string,
): AgentState | null | Promise<AgentState | null> | undefined {
  const { byHost, pending } = loaders.startedAgents;
  const settled = (): AgentState | null => {
    const state = byHost.get(hostId);
    if (state instanceof Error) throw state;
    return state ?? null;
  };
  if (byHost.has(hostId)) return settled();
  return pending.get(hostId)?.then(settled);
}
