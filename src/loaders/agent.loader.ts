import DataLoader from 'dataloader';
import type { AgentState } from '../upstream/domain';
import { afterCurrentWave, cachedMany, type LoaderDeps } from './deps';
import type { HostRef } from './refs';

export type AgentKey = Pick<HostRef, 'id' | 'agentId' | 'cloudId' | 'innerIp'>;

/** Agent states of `hosts`, in their order: one GSE batch (chunked by the client), through the cache. */
export type AgentBatch = (hosts: readonly AgentKey[]) => Promise<(AgentState | null)[]>;

/** What GSE is asked with for a host: its agent id, else `cloud:ip` (CONTRACTS.md §5). */
const cacheKeyOf = (h: AgentKey) => `${h.id}:${h.agentId ?? `${h.cloudId}:${h.innerIp}`}`;

/**
 * The agent batch itself, for the loader below and for callers that already hold a whole batch of
 * hosts (a prefetched host page, src/agents.ts), which need no DataLoader round to collect it.
 *
 * Cached `shared` (one entry for all callers): GSE answers by agent id the same for everyone, and
 * a caller only reaches `Host.agent` through a host CMDB already showed it under its own identity.
 */
export function agentBatch(deps: LoaderDeps): AgentBatch {
  const { gse } = deps.clients;
  return async (hosts) => {
    const keys = hosts.map(cacheKeyOf);
    const byKey = new Map(keys.map((k, i) => [k, hosts[i]!]));
    const states = await cachedMany(
      deps,
      'agent',
      keys,
      async (missing) => {
        const queries = missing.map((k) => {
          const h = byKey.get(k)!;
          return { hostId: h.id, agentId: h.agentId, cloudId: h.cloudId, ip: h.innerIp || null };
        });
        const answer = await gse.agentStates(queries, deps.callContext());
        return new Map(missing.map((k) => [k, answer.get(byKey.get(k)!.id) ?? null]));
      },
      { shared: true },
    );
    return keys.map((k) => states.get(k) ?? null);
  };
}

/**
 * Agent state of every host in the response, however deep the hosts are nested: the batch is
 * dispatched after the whole wave of resolvers, and the GSE client splits it into limit-sized
 * chunks (`gseAgents`) with bounded concurrency.
 */
export function agentLoader(batch: AgentBatch): DataLoader<AgentKey, AgentState | null, string> {
  return new DataLoader<AgentKey, AgentState | null, string>(batch, {
    cacheKeyFn: cacheKeyOf,
    batchScheduleFn: afterCurrentWave,
  });
}
