import DataLoader from 'dataloader';
import type { AgentState } from '../upstream/domain';
import { afterCurrentWave, cachedMany, type LoaderDeps } from './deps';
import type { HostRef } from './refs';

type AgentKey = Pick<HostRef, 'id' | 'agentId' | 'cloudId' | 'innerIp'>;

/** What GSE is asked with for a host: its agent id, else `cloud:ip` (CONTRACTS.md §5). */
const cacheKeyOf = (h: AgentKey) => `${h.id}:${h.agentId ?? `${h.cloudId}:${h.innerIp}`}`;

/**
 * Agent state of every host in the response, however deep the hosts are nested: the batch is
 * dispatched after the whole wave of resolvers, and the GSE client splits it into limit-sized
 * chunks (`gseAgents`) with bounded concurrency.
 *
 * Cached `shared` (one entry for all callers): GSE answers by agent id the same for everyone, and
 * a caller only reaches `Host.agent` through a host CMDB already showed it under its own identity.
 */
export function agentLoader(deps: LoaderDeps): DataLoader<AgentKey, AgentState | null, string> {
  const { gse } = deps.clients;
  return new DataLoader<AgentKey, AgentState | null, string>(
    async (hosts) => {
      const byKey = new Map(hosts.map((h) => [cacheKeyOf(h), h]));
      const states = await cachedMany(
        deps,
        'agent',
        [...byKey.keys()],
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
      return hosts.map((h) => states.get(cacheKeyOf(h)) ?? null);
    },
    { cacheKeyFn: cacheKeyOf, batchScheduleFn: afterCurrentWave },
  );
}
