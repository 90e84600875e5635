import DataLoader from 'dataloader';
import type { AgentState } from '../upstream/domain';
import { afterIssuedWrites, asError, cachedMany, type LoaderDeps } from './deps';
import type { HostRef } from './refs';

export type AgentKey = Pick<HostRef, 'id' | 'agentId' | 'cloudId' | 'innerIp'>;

/** Agent states of `hosts`, in their order: one GSE batch (chunked by the client), through the cache. */
export type AgentBatch = (hosts: readonly AgentKey[]) => Promise<(AgentState | null)[]>;

/** What GSE is asked with for a host: its agent id, else `cloud:ip` (CONTRACTS.md §5). */
const cacheKeyOf = (h: AgentKey) => `${h.id}:${h.agentId ?? `${h.cloudId}:${h.innerIp}`}`;

/**
 * The agent batch itself, for the loader below and for `agentStarter`, whose caller already holds
 * a whole batch of hosts (the host page loader) and needs no DataLoader round to collect it.
 *
 * Cached `shared` (one entry for all callers): GSE answers by agent id the same for everyone, and
 * a caller only reaches `Host.agent` through a host CMDB already showed it under its own identity.
 */
export function agentBatch(deps: LoaderDeps): AgentBatch {
  const { gse } = deps.clients;
  return async (hosts) => {
    const keys = hosts.map(cacheKeyOf);
    const states = await cachedMany(
      deps,
      'agent',
      keys,
      async (missing) => {
        // Every key missing, none twice (a cold or no-cache batch): missing[i] is hosts[i]'s key,
        // and no index by key is needed.
        const byKey = missing.length === hosts.length ? null : new Map(keys.map((k, i) => [k, hosts[i]!]));
        const missingHosts = byKey ? missing.map((k) => byKey.get(k)!) : hosts;
        const queries = missingHosts.map((h) => ({
          hostId: h.id,
          agentId: h.agentId,
          cloudId: h.cloudId,
          ip: h.innerIp || null,
        }));
        const answer = await gse.agentStates(queries, deps.callContext());
        return new Map(missing.map((k, i) => [k, answer.get(missingHosts[i]!.id) ?? null]));
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
export function agentLoader(
  batch: AgentBatch,
  deps: Pick<LoaderDeps, 'schedule'>,
): DataLoader<AgentKey, AgentState | null, string> {
  return new DataLoader<AgentKey, AgentState | null, string>(batch, {
    cacheKeyFn: cacheKeyOf,
    batchScheduleFn: deps.schedule,
  });
}

/** Agent states a request already asked GSE for in a whole batch, by host id (per request). */
export interface StartedAgents {
  /** Answered: the state, or the batch's Error (only the agent fields fail). */
  readonly byHost: Map<string, AgentState | null | Error>;
  /** Asked and not answered yet: settles when the batch has filled `byHost`. */
  readonly pending: Map<string, Promise<void>>;
}

/**
 * Starts the agent batch for hosts a loader already holds as a whole (a host page batch): the GSE
 * request is issued in this very turn of the event loop, instead of after every host was resolved
 * and loaded one by one and a DataLoader round. Hosts already asked for are not asked again.
 * Resolves once the request has had its turn to be written (see `afterIssuedWrites`), so the
 * caller can hand the hosts to their resolvers without delaying it.
 *
 * Why not plain DataLoader priming (`loaders.agent.loadMany(hosts)` from the host page loader):
 * measured (bench A/B, issue 15), priming costs 2.3 ms more own cost on `hosts` and 14.6 ms more
 * on `fleet` at 2000 hosts, 2.4 and 5.2 ms more at 20000 — the DataLoader round waits for the
 * host page's own resolution before GSE is asked. Kept: it clears the 2 ms bar on both.
 * test/graph.read.test.ts ("the order of upstream calls") shows GSE asked before CMDB's next wave.
 */
export function agentStarter(
  batch: AgentBatch,
  started: StartedAgents,
): (hosts: readonly HostRef[]) => Promise<void> {
  return (all) => {
    const hosts = all.filter((h) => !started.byHost.has(h.id) && !started.pending.has(h.id));
    if (hosts.length === 0) return Promise.resolve();
    const settled = batch(hosts).then(
      (states) => hosts.forEach((h, i) => started.byHost.set(h.id, states[i] ?? null)),
      (e: unknown) => {
        const error = asError(e);
        for (const h of hosts) started.byHost.set(h.id, error);
      },
    );
    for (const h of hosts) started.pending.set(h.id, settled);
    return afterIssuedWrites();
  };
}
