/**
 * What the sandbox holds, read over its own REST APIs (as admin) before any measurement, so every
 * theoretical minimum is derived from the data, never typed in.
 */

const APP = { bk_app_code: 'bk-graph', bk_app_secret: 'sandbox-secret', bk_token: 'token-admin' };

interface WireBusiness {
  bk_biz_id: number;
  default?: number;
}

interface WireHostTopo {
  host: { bk_host_id: number; bk_host_innerip?: string; bk_agent_id?: string };
}

export interface World {
  /** Business ids in search_business order. */
  businesses: { id: string; isResourcePool: boolean }[];
  /** Per business: host ids in list_biz_hosts_topo order (by bk_host_id), with their GSE key (or null). */
  hosts: Map<string, { id: string; agentKey: string | null }[]>;
  relationCounts: Map<string, number>;
}

async function cmdb<T>(sandboxUrl: string, path: string, body: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${sandboxUrl}/api/bk-cmdb/prod${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Bkapi-Authorization': JSON.stringify(APP) },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { result?: boolean; message?: string; data?: T };
  if (!res.ok || json.result === false || json.data === undefined) {
    throw new Error(`sandbox ${path} answered ${res.status}: ${json.message ?? 'no data'}`);
  }
  return json.data;
}

/** GSE 2.0 is asked by agent id, or by `cloud:ip` for hosts without one; hosts with neither are not asked. */
function agentKeyOf(host: WireHostTopo['host'] & { bk_cloud_id?: number }): string | null {
  if (host.bk_agent_id) return host.bk_agent_id;
  const ip = (host.bk_host_innerip ?? '').split(',')[0]?.trim();
  return ip ? `${host.bk_cloud_id ?? 0}:${ip}` : null;
}

export async function readWorld(sandboxUrl: string): Promise<World> {
  const businesses: World['businesses'] = [];
  for (let start = 0; ; start += 200) {
    const page = await cmdb<{ count: number; info: WireBusiness[] }>(sandboxUrl, '/api/v3/biz/search/0', {
      fields: ['bk_biz_id', 'default'],
      page: { start, limit: 200 },
    });
    businesses.push(...page.info.map((b) => ({ id: String(b.bk_biz_id), isResourcePool: b.default === 1 })));
    if (start + 200 >= page.count) break;
  }
  const hosts: World['hosts'] = new Map();
  const relationCounts: World['relationCounts'] = new Map();
  for (const { id } of businesses) {
    const list: { id: string; agentKey: string | null }[] = [];
    for (let start = 0; ; start += 500) {
      const page = await cmdb<{ count: number; info: WireHostTopo[] }>(
        sandboxUrl,
        `/api/v3/hosts/app/${id}/list_hosts_topo`,
        {
          bk_biz_id: Number(id),
          fields: ['bk_host_id', 'bk_host_innerip', 'bk_agent_id', 'bk_cloud_id'],
          page: { start, limit: 500 },
        },
      );
      list.push(...page.info.map((h) => ({ id: String(h.host.bk_host_id), agentKey: agentKeyOf(h.host) })));
      if (start + 500 >= page.count) break;
    }
    hosts.set(id, list);
    const relations = await cmdb<{ count: number }>(sandboxUrl, '/api/v3/host/topo/relation/read', {
      bk_biz_id: Number(id),
      page: { start: 0, limit: 1 },
    });
    relationCounts.set(id, relations.count);
  }
  return { businesses, hosts, relationCounts };
}

/** The functions a query's `.json` may use in its variable and minimum-call expressions. */
export function derivationScope(world: World): Record<string, unknown> {
  const hostsOf = (biz: string) => world.hosts.get(biz) ?? [];
  const allHosts = () => [...world.hosts.values()].flat();
  return {
    ceil: Math.ceil,
    min: Math.min,
    max: Math.max,
    sum: <T>(items: T[], f: (item: T) => number) => items.reduce((acc, item) => acc + f(item), 0),
    firstBusinesses: (n: number) => world.businesses.slice(0, n).map((b) => b.id),
    firstNormalBusiness: () => {
      const biz = world.businesses.find((b) => !b.isResourcePool && hostsOf(b.id).length > 0);
      if (!biz) throw new Error('the sandbox has no normal business with hosts');
      return biz.id;
    },
    hostCount: (biz: string) => hostsOf(biz).length,
    /** GSE keys among the first `first` hosts of a business. */
    agentKeys: (biz: string, first: number) =>
      hostsOf(biz)
        .slice(0, first)
        .filter((h) => h.agentKey).length,
    relationCount: (biz: string) => world.relationCounts.get(biz) ?? 0,
    firstHost: (biz: string) => {
      const host = hostsOf(biz)[0];
      if (!host) throw new Error(`business ${biz} has no hosts`);
      return host.id;
    },
    hasAgentKey: (hostId: string) => allHosts().some((h) => h.id === hostId && h.agentKey !== null),
  };
}

/**
 * Evaluates one expression of a query's `.json` (our own files, e.g.
 * `ceil(min(500, hostCount(biz)) / 500)`) with the derivation functions and the query's variables
 * in scope.
 */
export function evaluate(expression: string, scope: Record<string, unknown>): unknown {
  const names = Object.keys(scope);
  const fn = new Function(...names, `"use strict"; return (${expression});`) as (
    ...args: unknown[]
  ) => unknown;
  return fn(...names.map((n) => scope[n]));
}
