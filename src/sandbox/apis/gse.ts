import type { ApiDef, ApiModuleFactory, SandboxContext, SbAgent, SbRequest } from '../types';
import { SbBizError, SbRawReply } from '../types';

/**
 * GSE agent status (CONTRACTS.md §6).
 *
 * GSE 1.0 (`get_agent_status`, `get_agent_info`) is documented only on ESB (`/api/c/compapi/v2/gse/…`).
 * The sandbox also serves them on the `bk-gse` gateway, at paths of its own choosing:
 *   POST /api/bk-gse/{stage}/api/v2/cluster/get_agent_status
 *   POST /api/bk-gse/{stage}/api/v2/cluster/get_agent_info
 * GSE 2.0 `list_agent_state` is `POST /api/bk-gse/{stage}/api/v2/cluster/list_agent_state` and ESB
 * `gse/list_agent_state`.
 * Control route `POST /_sandbox/gse/agents/{bk_agent_id}` `{status_code}` sets an agent's state
 * (alive = status_code 2); the id may also be a legacy `cloud:ip` key.
 */

/** GSE 2.0 "none of the agents were found" (bk-nodeman treats it as "all not found"). */
export const GSE_AGENTS_NOT_FOUND = 1011003;
/**
 * GSE has no published code for an oversized batch; the sandbox answers 1011002 (next to the one
 * documented 1011xxx code) with the message below, so a client that splits wrongly fails loudly.
 */
export const GSE_TOO_MANY_AGENTS = 1011002;
export const GSE_MAX_AGENT_IDS = 1000;
/** ESB's ARGUMENT_ERROR: what the component gateway answers when its form validation fails. */
export const ESB_ARGUMENT_ERROR = 1306406;

interface GseHost {
  ip: string;
  bk_cloud_id: number;
}

function parseHosts(body: Readonly<Record<string, unknown>>): GseHost[] {
  const account = body.bk_supplier_account;
  if (account === undefined || account === null || String(account) === '') {
    throw new SbBizError(
      ESB_ARGUMENT_ERROR,
      'Parameter verification failed: bk_supplier_account is required',
    );
  }
  const hosts = body.hosts;
  if (!Array.isArray(hosts) || hosts.length === 0) {
    throw new SbBizError(ESB_ARGUMENT_ERROR, 'Parameter verification failed: hosts must be a non-empty list');
  }
  return hosts.map((h: unknown, i) => {
    const host = (h ?? {}) as Record<string, unknown>;
    const cloud = Number(host.bk_cloud_id);
    if (typeof host.ip !== 'string' || host.ip === '' || !Number.isInteger(cloud)) {
      throw new SbBizError(
        ESB_ARGUMENT_ERROR,
        `Parameter verification failed: hosts[${i}] needs ip (string) and bk_cloud_id (int)`,
      );
    }
    return { ip: host.ip, bk_cloud_id: cloud };
  });
}

const legacyKeyMaps = new WeakMap<Map<string, SbAgent>, Map<string, SbAgent>>();

/**
 * GSE 1.0 keys agents by `cloud:ip` of their first inner IPv4. Built once per agent map (agents
 * change state in place, never their keys), so a call costs its own ids, not the whole fleet.
 */
function agentsByLegacyKey(ctx: SandboxContext): Map<string, SbAgent> {
  let byKey = legacyKeyMaps.get(ctx.data.agents);
  if (!byKey) {
    byKey = new Map<string, SbAgent>();
    for (const agent of ctx.data.agents.values()) {
      if (agent.ip !== '') byKey.set(`${agent.bk_cloud_id}:${agent.ip}`, agent);
    }
    legacyKeyMaps.set(ctx.data.agents, byKey);
  }
  return byKey;
}

/** A stable fake proxy for `get_agent_info`: agents in cloud 0 talk straight to a server. */
function parentOf(agent: SbAgent): { parent_ip: string; parent_port: number } {
  return agent.bk_cloud_id === 0
    ? { parent_ip: '10.0.0.2', parent_port: 50000 }
    : { parent_ip: `10.${agent.bk_cloud_id % 256}.0.1`, parent_port: 50000 };
}

function getAgentStatus(ctx: SandboxContext, req: SbRequest): Record<string, unknown> {
  const byKey = agentsByLegacyKey(ctx);
  const data: Record<string, unknown> = {};
  for (const host of parseHosts(req.body)) {
    const key = `${host.bk_cloud_id}:${host.ip}`;
    const agent = byKey.get(key);
    if (agent) data[key] = { ip: host.ip, bk_cloud_id: host.bk_cloud_id, bk_agent_alive: agent.alive };
  }
  return data;
}

function getAgentInfo(ctx: SandboxContext, req: SbRequest): Record<string, unknown> {
  const byKey = agentsByLegacyKey(ctx);
  const data: Record<string, unknown> = {};
  for (const host of parseHosts(req.body)) {
    const key = `${host.bk_cloud_id}:${host.ip}`;
    const agent = byKey.get(key);
    if (agent) {
      data[key] = { ip: host.ip, version: agent.version, bk_cloud_id: host.bk_cloud_id, ...parentOf(agent) };
    }
  }
  return data;
}

function listAgentState(ctx: SandboxContext, req: SbRequest): unknown[] {
  const ids = req.body.agent_id_list;
  if (!Array.isArray(ids) || ids.length === 0 || ids.some((id) => typeof id !== 'string')) {
    throw new SbBizError(ESB_ARGUMENT_ERROR, 'agent_id_list must be a non-empty list of strings');
  }
  if (ids.length > GSE_MAX_AGENT_IDS) {
    throw new SbBizError(
      GSE_TOO_MANY_AGENTS,
      `agent_id_list exceeds the limit: at most ${GSE_MAX_AGENT_IDS} agents per call, got ${ids.length}`,
    );
  }
  const agents = ctx.data.agents;
  const legacy = agentsByLegacyKey(ctx);
  const rows: unknown[] = [];
  const seen = new Set<string>();
  for (const id of ids as string[]) {
    // A repeated id is skipped before it is looked up again.
    if (seen.has(id)) continue;
    const agent = agents.get(id) ?? legacy.get(id);
    if (!agent) continue;
    seen.add(id);
    // Echo the id the caller asked with, so a legacy `cloud:ip` lookup can be matched back.
    rows.push({
      bk_agent_id: id,
      bk_cloud_id: agent.bk_cloud_id,
      version: agent.version,
      run_mode: 0,
      status_code: agent.status_code,
    });
  }
  if (rows.length === 0) throw new SbBizError(GSE_AGENTS_NOT_FOUND, 'agent not found');
  return rows;
}

function setAgentState(
  ctx: SandboxContext,
  params: Record<string, string>,
  body: Record<string, unknown>,
): SbRawReply {
  // The id may also be a legacy `cloud:ip` key, so tests that only know a host's ip can use it.
  const id = params.bk_agent_id ?? '';
  const agent = ctx.data.agents.get(id) ?? agentsByLegacyKey(ctx).get(id);
  if (!agent) return new SbRawReply(404, { error: `unknown agent ${id}` });
  const status = Number(body.status_code);
  if (!Number.isInteger(status)) return new SbRawReply(400, { error: 'status_code (int) is required' });
  agent.status_code = status;
  agent.alive = status === 2 ? 1 : 0;
  return new SbRawReply(200, { ...agent });
}

export const createGseApis: ApiModuleFactory = (ctx) => {
  const common = {
    system: 'gse',
    userVerifiedRequired: false,
    userRequired: true,
    envelope: 'gse',
  } as const;
  const apis: ApiDef[] = [
    {
      ...common,
      api: 'get_agent_status',
      apigw: { gateway: 'bk-gse', method: 'POST', path: '/api/v2/cluster/get_agent_status' },
      esb: { system: 'gse', name: 'get_agent_status' },
      handler: (req) => getAgentStatus(ctx, req),
    },
    {
      ...common,
      api: 'get_agent_info',
      apigw: { gateway: 'bk-gse', method: 'POST', path: '/api/v2/cluster/get_agent_info' },
      esb: { system: 'gse', name: 'get_agent_info' },
      handler: (req) => getAgentInfo(ctx, req),
    },
    {
      ...common,
      api: 'list_agent_state',
      apigw: { gateway: 'bk-gse', method: 'POST', path: '/api/v2/cluster/list_agent_state' },
      esb: { system: 'gse', name: 'list_agent_state' },
      handler: (req) => listAgentState(ctx, req),
    },
  ];
  return {
    apis,
    controlRoutes: [
      {
        method: 'POST',
        path: '/gse/agents/{bk_agent_id}',
        handler: (params, body) => setAgentState(ctx, params, body),
      },
    ],
  };
};
