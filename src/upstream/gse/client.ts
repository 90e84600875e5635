import { isUpstreamError } from '../../errors';
import type { AgentState } from '../domain';
import { chunk, mapBounded } from '../mapping';
import type { CallContext, UpstreamCaller } from '../types';
import type { AgentQuery } from './map';
import { fromV1Maps, fromV2Rows, legacyKey, v2Key } from './map';
import { GSE_LIMITS, GSE_NONE_FOUND_CODE, gseSpecs } from './specs';
import type { WireAgentInfoMap, WireAgentState, WireAgentStatusMap } from './wire';

export interface GseClient {
  /**
   * Agent state per host, keyed by `hostId`. Chunks never exceed the per-call limit. GSE 1.0 asks
   * by `cloud:ip`; GSE 2.0 by agent id, falling back to `cloud:ip` for hosts without one.
   */
  agentStates(hosts: readonly AgentQuery[], ctx: CallContext): Promise<Map<string, AgentState>>;
}

export interface GseClientOptions {
  version: 1 | 2;
  /** @default '0' */
  supplierAccount?: string;
  /** Chunks in flight at once. @default 4 */
  concurrency?: number;
  /**
   * GSE 1.0 reports versions only through a second API (get_agent_info, data up to a minute old);
   * off by default so one status lookup stays one call per chunk. @default false
   */
  v1Versions?: boolean;
  /**
   * Agents per call (`BK_BATCH_LIMITS=gseAgents=…`), never more than GSE's own maximum for the
   * version. @default the version's maximum
   */
  agentsPerCall?: number;
}

export function createGseClient(caller: UpstreamCaller, options: GseClientOptions): GseClient {
  const supplier = options.supplierAccount ?? '0';
  const concurrency = options.concurrency ?? 4;

  async function v2Chunk(queries: AgentQuery[], ctx: CallContext): Promise<Map<string, AgentState>> {
    const ids = [...new Set(queries.map(v2Key).filter((k): k is string => k !== null))];
    let rows: WireAgentState[] = [];
    if (ids.length) {
      try {
        rows =
          (await caller.call<WireAgentState[] | null>(
            gseSpecs.listAgentState,
            { body: { agent_id_list: ids } },
            ctx,
          )) ?? [];
      } catch (e) {
        // 1011003 means "none of these agents exist": an answer, not a failure.
        if (!(isUpstreamError(e) && Number(e.upstream.code) === GSE_NONE_FOUND_CODE)) throw e;
      }
    }
    return fromV2Rows(queries, rows);
  }

  async function v1Chunk(queries: AgentQuery[], ctx: CallContext): Promise<Map<string, AgentState>> {
    const seen = new Set<string>();
    const hosts: { ip: string; bk_cloud_id: number }[] = [];
    for (const q of queries) {
      if (!q.ip || seen.has(legacyKey(q.cloudId, q.ip))) continue;
      seen.add(legacyKey(q.cloudId, q.ip));
      hosts.push({ ip: q.ip, bk_cloud_id: q.cloudId });
    }
    if (!hosts.length) return fromV1Maps(queries, {});
    const req = { body: { bk_supplier_account: supplier, hosts } };
    const [statuses, infos] = await Promise.all([
      caller.call<WireAgentStatusMap | null>(gseSpecs.getAgentStatus, req, ctx),
      options.v1Versions
        ? caller.call<WireAgentInfoMap | null>(gseSpecs.getAgentInfo, req, ctx)
        : Promise.resolve(null),
    ]);
    return fromV1Maps(queries, statuses ?? {}, infos ?? {});
  }

  return {
    async agentStates(hosts, ctx) {
      const max = options.version === 2 ? GSE_LIMITS.agentsPerCallV2 : GSE_LIMITS.hostsPerCallV1;
      const size = Math.min(options.agentsPerCall ?? max, max);
      const run = options.version === 2 ? v2Chunk : v1Chunk;
      const parts = await mapBounded(chunk(hosts, size), concurrency, (c) => run(c, ctx));
      const out = new Map<string, AgentState>();
      for (const part of parts) for (const [hostId, state] of part) out.set(hostId, state);
      return out;
    },
  };
}
