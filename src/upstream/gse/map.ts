import type { AgentState, AgentStatus } from '../domain';
import type { WireAgentInfoMap, WireAgentState, WireAgentStatusMap } from './wire';

/** A host as the GSE client needs it: agent id for 2.0, cloud and IPv4 for the `cloud:ip` key. */
export interface AgentQuery {
  hostId: string;
  agentId?: string | null;
  cloudId: number;
  /** First inner IPv4; GSE 1.0 knows no IPv6. */
  ip?: string | null;
}

export const legacyKey = (cloudId: number, ip: string): string => `${cloudId}:${ip}`;

/** The id GSE 2.0 is asked with: the agent id, else the legacy `cloud:ip` it also accepts. */
export function v2Key(q: AgentQuery): string | null {
  if (q.agentId) return q.agentId;
  return q.ip ? legacyKey(q.cloudId, q.ip) : null;
}

/**
 * GSE 2.0 `status_code`: only 2 (running) is safe to read as alive; 5-7 mean different things to
 * different clients (CONTRACTS.md §6.2), so every other known state is NOT_RUNNING.
 */
export function statusFromV2(code: number | undefined): AgentStatus {
  if (code === 2) return 'RUNNING';
  if (code === -2) return 'NOT_INSTALLED';
  if (code === undefined || code === -1) return 'UNKNOWN';
  return 'NOT_RUNNING';
}

/** GSE 1.0 `bk_agent_alive`: 1 online, 0 offline; bk-nodeman adds 2 abnormal and 3 not installed. */
export function statusFromV1(alive: number | undefined): AgentStatus {
  switch (alive) {
    case 1:
      return 'RUNNING';
    case 0:
    case 2:
      return 'NOT_RUNNING';
    case 3:
      return 'NOT_INSTALLED';
    default:
      return 'UNKNOWN';
  }
}

export function notInstalled(q: AgentQuery, key: string): AgentState {
  return {
    key,
    ...(q.agentId ? { agentId: q.agentId } : {}),
    cloudId: q.cloudId,
    ...(q.ip ? { ip: q.ip } : {}),
    status: 'NOT_INSTALLED',
    alive: false,
  };
}

/** A host GSE could not be asked about (no agent id and no IPv4). */
export function unknownAgent(q: AgentQuery): AgentState {
  return { key: '', cloudId: q.cloudId, status: 'UNKNOWN', alive: false };
}

export function fromV2Rows(queries: AgentQuery[], rows: WireAgentState[]): Map<string, AgentState> {
  // Rows usually come in the order the ids were asked, without the agents GSE does not know (the
  // contract promises no order): they are matched by walking them alongside the queries, and
  // indexed by id only when a row does not line up.
  let byId: Map<string, WireAgentState> | null = null;
  let next = 0;
  const rowOf = (key: string): WireAgentState | undefined => {
    const candidate = rows[next];
    if (candidate !== undefined && candidate.bk_agent_id === key) {
      next += 1;
      return candidate;
    }
    byId ??= new Map(rows.map((r) => [r.bk_agent_id, r]));
    return byId.get(key);
  };
  const out = new Map<string, AgentState>();
  for (const q of queries) {
    const key = v2Key(q);
    if (key === null) {
      out.set(q.hostId, unknownAgent(q));
      continue;
    }
    const row = rowOf(key);
    if (!row) {
      // GSE omits agents it does not know: for the caller that is "no agent here".
      out.set(q.hostId, notInstalled(q, key));
      continue;
    }
    const status = statusFromV2(row.status_code);
    // Built field by field, not with conditional spreads: this runs once per host of a page.
    const state: AgentState = {
      key,
      cloudId: row.bk_cloud_id ?? q.cloudId,
      status,
      alive: status === 'RUNNING',
    };
    if (q.agentId) state.agentId = q.agentId;
    if (q.ip) state.ip = q.ip;
    if (row.version) state.version = row.version;
    out.set(q.hostId, state);
  }
  return out;
}

export function fromV1Maps(
  queries: AgentQuery[],
  statuses: WireAgentStatusMap,
  infos: WireAgentInfoMap = {},
): Map<string, AgentState> {
  const out = new Map<string, AgentState>();
  for (const q of queries) {
    if (!q.ip) {
      out.set(q.hostId, unknownAgent(q));
      continue;
    }
    const key = legacyKey(q.cloudId, q.ip);
    const row = statuses[key];
    if (!row) {
      // Hosts unknown to GSE may be absent from the map (bk-nodeman reads that as not alive).
      out.set(q.hostId, notInstalled(q, key));
      continue;
    }
    const status = statusFromV1(row.bk_agent_alive);
    const version = infos[key]?.version;
    out.set(q.hostId, {
      key,
      ...(q.agentId ? { agentId: q.agentId } : {}),
      cloudId: row.bk_cloud_id ?? q.cloudId,
      ip: q.ip,
      status,
      alive: status === 'RUNNING',
      ...(version ? { version } : {}),
    });
  }
  return out;
}
