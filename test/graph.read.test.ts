import { bkFetch } from './helpers/sandbox';
import { startTestServer, type TestServer } from './helpers/server';

/**
 * The read graph through the front door: GraphQL against the real server in sandbox mode, upstream
 * calls counted by the sandbox itself, every value compared with the sandbox's own REST answers.
 */

const NO_CACHE = { 'cache-control': 'no-cache' };
let server: TestServer;

/** The sandbox's own answer to a CMDB APIGW call (the truth the graph must match). */
async function cmdb<T>(path: string, body: Record<string, unknown>, bkToken = 'token-admin'): Promise<T> {
  const res = await bkFetch(server.sandboxUrl, `/api/bk-cmdb/prod${path}`, { body, auth: { bkToken } });
  if (res.json?.result !== true) throw new Error(`sandbox ${path}: ${res.text.slice(0, 200)}`);
  return res.json.data as T;
}

interface WireHostTopo {
  host: { bk_host_id: number; bk_host_innerip: string; bk_agent_id: string; bk_cloud_id: number };
  topo: {
    bk_set_id: number;
    bk_set_name: string;
    module: { bk_module_id: number; bk_module_name: string }[];
  }[];
}

async function bizHostsTopo(bizId: number): Promise<WireHostTopo[]> {
  const data = await cmdb<{ info: WireHostTopo[] }>(`/api/v3/hosts/app/${bizId}/list_hosts_topo`, {
    bk_biz_id: bizId,
    fields: ['bk_host_id', 'bk_host_innerip', 'bk_agent_id', 'bk_cloud_id'],
    page: { start: 0, limit: 500 },
  });
  return data.info;
}

async function agentStates(agentIds: string[]): Promise<Map<string, number>> {
  const res = await bkFetch(server.sandboxUrl, '/api/bk-gse/prod/api/v2/cluster/list_agent_state', {
    body: { agent_id_list: agentIds },
  });
  const rows = (res.json?.data ?? []) as { bk_agent_id: string; status_code: number }[];
  return new Map(rows.map((r) => [r.bk_agent_id, r.status_code]));
}

async function normalBusinesses(): Promise<{ bk_biz_id: number; bk_biz_name: string }[]> {
  const data = await cmdb<{ info: { bk_biz_id: number; bk_biz_name: string; default: number }[] }>(
    '/api/v3/biz/search/0',
    { fields: ['bk_biz_id', 'bk_biz_name', 'default'], page: { start: 0, limit: 200, sort: 'bk_biz_id' } },
  );
  return data.info.filter((b) => b.default === 0);
}

/**
 * Counts the upstream calls made while `run` executes, by `<system>.<api>`. The cache watcher's
 * resource_watch long polls run in the background all the time and are not part of any query.
 */
async function callsOf(run: () => Promise<unknown>): Promise<Record<string, number>> {
  await server.resetStats();
  await run();
  const { calls } = await server.stats();
  delete calls['cmdb.resource_watch'];
  return calls;
}

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

describe('the canonical `hosts` query', () => {
  const query = `query($biz: ID!) { business(id: $biz) { hosts(first: 500) { totalCount nodes {
    id innerIp agent { status alive } modules { id name } sets { id name } } } } }`;

  it('costs one search_business, one list_biz_hosts_topo and one GSE call, and matches the sandbox', async () => {
    const [biz] = await normalBusinesses();
    const truth = await bizHostsTopo(biz!.bk_biz_id);
    const states = await agentStates(truth.map((t) => t.host.bk_agent_id).filter(Boolean));

    let body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const calls = await callsOf(async () => {
      ({ body } = await server.graphql(query, { biz: String(biz!.bk_biz_id) }, NO_CACHE));
    });

    expect(body.errors).toBeUndefined();
    expect(calls).toEqual({
      'cmdb.search_business': 1,
      'cmdb.list_biz_hosts_topo': 1,
      'gse.list_agent_state': 1,
    });
    const hosts = body.data.business.hosts;
    expect(hosts.totalCount).toBe(truth.length);
    expect(hosts.nodes.map((h: { id: string }) => h.id)).toEqual(truth.map((t) => String(t.host.bk_host_id)));
    for (const [i, t] of truth.entries()) {
      const node = hosts.nodes[i];
      expect(node.innerIp).toBe(t.host.bk_host_innerip.split(',')[0]);
      expect(node.sets.map((s: { id: string }) => s.id).sort()).toEqual(
        t.topo.map((s) => String(s.bk_set_id)).sort(),
      );
      expect(node.modules.map((m: { name: string }) => m.name).sort()).toEqual(
        t.topo.flatMap((s) => s.module.map((m) => m.bk_module_name)).sort(),
      );
      const code = t.host.bk_agent_id ? states.get(t.host.bk_agent_id) : undefined;
      expect(node.agent.alive).toBe(code === 2);
    }
  });
});

describe('a page host with nothing to ask GSE with', () => {
  // Without an agent id or an inner IP there is nothing to ask GSE with.
  const setGseKeys = async (hostId: number, keys: { bk_agent_id: string; bk_host_innerip: string }) => {
    const res = await fetch(`${server.sandboxUrl}/_sandbox/cmdb/hosts/${hostId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(keys),
    });
    expect(res.status).toBe(200);
  };

  it("reports its agent as UNKNOWN, within the page's one GSE call", async () => {
    const [biz] = await normalBusinesses();
    const [first] = await bizHostsTopo(biz!.bk_biz_id);
    const id = first!.host.bk_host_id;
    await setGseKeys(id, { bk_agent_id: '', bk_host_innerip: '' });
    try {
      let body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
      const calls = await callsOf(async () => {
        ({ body } = await server.graphql(
          `query($biz: ID!) { business(id: $biz) { hosts(first: 20) { nodes { id agent { status alive } } } } }`,
          { biz: String(biz!.bk_biz_id) },
          NO_CACHE,
        ));
      });

      expect(body.errors).toBeUndefined();
      expect(calls['gse.list_agent_state']).toBe(1);
      const nodes = body.data.business.hosts.nodes as { id: string; agent: { status: string } }[];
      expect(nodes.find((n) => n.id === String(id))!.agent).toEqual({ status: 'UNKNOWN', alive: false });
      expect(nodes.filter((n) => n.agent.status === 'UNKNOWN').length).toBe(1);
    } finally {
      await setGseKeys(id, {
        bk_agent_id: first!.host.bk_agent_id,
        bk_host_innerip: first!.host.bk_host_innerip,
      });
    }
  });
});

describe("a page host's sets and modules", () => {
  it('lead on to their own business and set, as the sandbox places each host', async () => {
    const [biz] = await normalBusinesses();
    const bizId = String(biz!.bk_biz_id);
    const truth = await bizHostsTopo(biz!.bk_biz_id);
    type Placed = {
      id: string;
      sets: { id: string; business: { id: string } }[];
      modules: { id: string; set: { id: string }; business: { id: string } }[];
    };
    const res = await server.graphql(
      `query($biz: ID!) { business(id: $biz) { hosts(first: 50) { nodes {
        id sets { id business { id } } modules { id set { id } business { id } } } } } }`,
      { biz: bizId },
      NO_CACHE,
    );
    const body = res.body as { errors?: unknown; data: { business: { hosts: { nodes: Placed[] } } } };

    expect(body.errors).toBeUndefined();
    const nodes = body.data.business.hosts.nodes;
    expect(nodes.length).toBe(Math.min(50, truth.length));
    for (const node of nodes) {
      const placed = truth.find((t) => String(t.host.bk_host_id) === node.id)!;
      const setOfModule = new Map(
        placed.topo.flatMap((s) => s.module.map((m) => [String(m.bk_module_id), String(s.bk_set_id)])),
      );
      expect(node.sets.map((s) => s.business.id)).toEqual(node.sets.map(() => bizId));
      expect(node.modules.map((m) => m.business.id)).toEqual(node.modules.map(() => bizId));
      expect(node.modules.map((m) => [m.id, m.set.id])).toEqual(
        node.modules.map((m) => [m.id, setOfModule.get(m.id)]),
      );
      expect(node.modules.length).toBe(setOfModule.size);
    }
  });
});

describe('host field projection', () => {
  it('answers each selected host field as CMDB stores it when only some fields are fetched', async () => {
    const [biz] = await normalBusinesses();
    const truth = await cmdb<{ info: Record<string, unknown>[] }>(
      `/api/v3/hosts/app/${biz!.bk_biz_id}/list_hosts`,
      {
        bk_biz_id: biz!.bk_biz_id,
        fields: ['bk_host_id', 'bk_host_name', 'bk_cloud_id', 'bk_host_innerip_v6', 'bk_os_name'],
        page: { start: 0, limit: 30, sort: 'bk_host_id' },
      },
    );
    const { body } = await server.graphql(
      `{ business(id: "${biz!.bk_biz_id}") { hosts(first: 30) { nodes { id name cloudId innerIpv6 osName } } } }`,
      {},
      NO_CACHE,
    );
    expect(body.errors).toBeUndefined();
    const nodes = (body.data as { business: { hosts: { nodes: Record<string, unknown>[] } } }).business.hosts
      .nodes;
    expect(nodes.length).toBe(truth.info.length);
    nodes.forEach((n, i) => {
      const h = truth.info[i]!;
      expect(n).toEqual({
        id: String(h.bk_host_id),
        name: h.bk_host_name || null,
        cloudId: h.bk_cloud_id,
        innerIpv6: h.bk_host_innerip_v6 || null,
        osName: h.bk_os_name || null,
      });
    });
  });
});

describe('the canonical `fleet` query', () => {
  it('serves hostCount and hosts of each business from one page call, and every agent from one GSE call', async () => {
    const businesses = await cmdb<{ count: number; info: { bk_biz_id: number }[] }>('/api/v3/biz/search/0', {
      fields: ['bk_biz_id'],
      page: { start: 0, limit: 20, sort: 'bk_biz_id' },
    });
    let body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const calls = await callsOf(async () => {
      ({ body } = await server.graphql(
        '{ businesses(first: 20) { nodes { id hostCount hosts(first: 50) { nodes { id agent { alive } } } } } }',
        {},
        NO_CACHE,
      ));
    });
    expect(body.errors).toBeUndefined();
    const nodes = body.data.businesses.nodes as {
      id: string;
      hostCount: number;
      hosts: { nodes: unknown[] };
    }[];
    expect(nodes.map((n) => n.id)).toEqual(businesses.info.map((b) => String(b.bk_biz_id)));
    const totalHosts = nodes.reduce((n, b) => n + b.hosts.nodes.length, 0);
    expect(calls).toEqual({
      'cmdb.search_business': 1,
      // Only ids and agents are read: the pages ask CMDB for those fields, without topology.
      'cmdb.list_biz_hosts': nodes.length,
      ...(totalHosts ? { 'gse.list_agent_state': Math.ceil(totalHosts / 1000) } : {}),
    });
    for (const b of nodes) {
      const truth = await bizHostsTopo(Number(b.id));
      expect(b.hostCount).toBe(truth.length);
      expect(b.hosts.nodes.length).toBe(Math.min(50, truth.length));
    }
  });
});

describe('host lists that share hosts', () => {
  it('ask GSE once, for each host once, and answer the same agent in every list', async () => {
    type Lists = { id: string; few: { nodes: AgentNode[] }; more: { nodes: AgentNode[] } }[];
    type AgentNode = { id: string; agent: { status: string; alive: boolean } };
    let body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const calls = await callsOf(async () => {
      ({ body } = await server.graphql(
        `{ businesses(first: 3) { nodes { id
            few: hosts(first: 5) { nodes { id agent { status alive } } }
            more: hosts(first: 10) { nodes { id agent { status alive } } } } } }`,
        {},
        NO_CACHE,
      ));
    });
    expect(body.errors).toBeUndefined();
    expect(calls['gse.list_agent_state']).toBe(1);

    const { requests } = (await (await fetch(`${server.sandboxUrl}/_sandbox/requests`)).json()) as {
      requests: { api: string; body: string | null }[];
    };
    const [gse] = requests.filter((r) => r.api === 'gse.list_agent_state');
    const asked = (JSON.parse(gse!.body!) as { agent_id_list: string[] }).agent_id_list;
    const nodes = body.data.businesses.nodes as Lists;
    const distinct = new Set(nodes.flatMap((b) => b.more.nodes.map((h) => h.id)));
    expect(distinct.size).toBeGreaterThan(5);
    expect(asked.length).toBe(distinct.size);
    expect(new Set(asked).size).toBe(asked.length);

    for (const b of nodes) {
      const truth = await bizHostsTopo(Number(b.id));
      const codes = await agentStates(truth.map((t) => t.host.bk_agent_id).filter(Boolean));
      const alive = new Map(
        truth.map((t) => [String(t.host.bk_host_id), codes.get(t.host.bk_agent_id) === 2] as const),
      );
      expect(b.more.nodes.slice(0, b.few.nodes.length)).toEqual(b.few.nodes);
      for (const h of b.more.nodes) expect(h.agent.alive).toBe(alive.get(h.id));
    }
  });
});

describe('the order of upstream calls', () => {
  interface Journaled {
    api: string;
    receivedMs: number;
    answeredMs: number | null;
  }
  /** The sandbox's journal of one query's calls, each upstream call answering after `latencyMs`. */
  async function journalOf(query: string, variables: Record<string, unknown>): Promise<Journaled[]> {
    await server.faults({ latencyMs: 40 });
    try {
      await server.resetStats();
      const { body } = await server.graphql(query, variables, NO_CACHE);
      expect(body.errors).toBeUndefined();
      const { requests } = (await (await fetch(`${server.sandboxUrl}/_sandbox/requests`)).json()) as {
        requests: Journaled[];
      };
      return requests.filter((r) => r.api !== 'cmdb.resource_watch');
    } finally {
      await server.faults({});
    }
  }
  const first = (calls: Journaled[], api: string): Journaled => {
    const call = calls.find((c) => c.api === api);
    if (!call) throw new Error(`no ${api} in ${calls.map((c) => c.api).join(', ')}`);
    return call;
  };

  it("asks CMDB for business(id)'s hosts before search_business has answered (the look-ahead)", async () => {
    const [biz] = await normalBusinesses();
    const calls = await journalOf(
      'query($biz: ID!) { business(id: $biz) { name hosts(first: 50) { nodes { id } } } }',
      {
        biz: String(biz!.bk_biz_id),
      },
    );
    const search = first(calls, 'cmdb.search_business');
    const hosts = first(calls, 'cmdb.list_biz_hosts');
    expect(search.answeredMs).not.toBeNull();
    expect(hosts.receivedMs).toBeLessThan(search.answeredMs!);
  });

  it("sends a host page's agents to GSE before the hosts' own fields ask CMDB anything (the agent hand-off)", async () => {
    const [biz] = await normalBusinesses();
    // `sets { modules }` is selected before `agent`: a resolver-driven agent batch would be
    // dispatched after the modules one; the page loader's own batch goes out before either.
    const calls = await journalOf(
      'query($biz: ID!) { business(id: $biz) { hosts(first: 50) { nodes { sets { modules { name } } agent { status } } } } }',
      { biz: String(biz!.bk_biz_id) },
    );
    const page = first(calls, 'cmdb.list_biz_hosts_topo');
    const gse = first(calls, 'gse.list_agent_state');
    const modules = first(calls, 'cmdb.search_module');
    expect(gse.receivedMs).toBeGreaterThanOrEqual(page.answeredMs!);
    expect(calls.indexOf(gse)).toBeLessThan(calls.indexOf(modules));
  });
});

describe('the canonical `topology` query', () => {
  it('counts the hosts of every module from one read of the business relations', async () => {
    const [biz] = await normalBusinesses();
    const relations = await cmdb<{ data: { bk_host_id: number; bk_module_id: number }[] }>(
      '/api/v3/host/topo/relation/read',
      { bk_biz_id: biz!.bk_biz_id, page: { start: 0, limit: 1000 } },
    );
    const perModule = new Map<string, Set<number>>();
    for (const r of relations.data) {
      const set = perModule.get(String(r.bk_module_id)) ?? new Set<number>();
      set.add(r.bk_host_id);
      perModule.set(String(r.bk_module_id), set);
    }

    let body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const calls = await callsOf(async () => {
      ({ body } = await server.graphql(
        `query($biz: ID!) { business(id: $biz) { topology { objectId name children { objectId name
          children { objectId instanceId name hosts(first: 20) { totalCount } } } } } }`,
        { biz: String(biz!.bk_biz_id) },
        NO_CACHE,
      ));
    });
    expect(body.errors).toBeUndefined();
    expect(calls).toEqual({
      'cmdb.search_business': 1,
      'cmdb.search_biz_inst_topo': 1,
      'cmdb.find_host_topo_relation': 1,
    });
    const [root] = body.data.business.topology;
    expect(root.objectId).toBe('biz');
    const modules = root.children.flatMap((s: { children: unknown[] }) => s.children) as {
      instanceId: string;
      hosts: { totalCount: number };
    }[];
    expect(modules.length).toBeGreaterThan(0);
    for (const m of modules) expect(m.hosts.totalCount).toBe(perModule.get(m.instanceId)?.size ?? 0);
  });
});

describe('the canonical `host` query', () => {
  it('finds the business by host id, then the host with its topology, business and agent', async () => {
    const [biz] = await normalBusinesses();
    const [first] = await bizHostsTopo(biz!.bk_biz_id);
    const id = String(first!.host.bk_host_id);
    let body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    const calls = await callsOf(async () => {
      ({ body } = await server.graphql(
        `query($id: ID!) { host(id: $id) { id innerIp name osType cloudId agent { status alive version }
          business { id name } sets { name } modules { name } } }`,
        { id },
        NO_CACHE,
      ));
    });
    expect(body.errors).toBeUndefined();
    expect(calls).toEqual({
      'cmdb.find_host_biz_relations': 1,
      'cmdb.list_biz_hosts_topo': 1,
      'cmdb.search_business': 1,
      ...(first!.host.bk_agent_id || first!.host.bk_host_innerip ? { 'gse.list_agent_state': 1 } : {}),
    });
    expect(body.data.host.id).toBe(id);
    expect(body.data.host.business).toEqual({ id: String(biz!.bk_biz_id), name: biz!.bk_biz_name });
    expect(body.data.host.modules.map((m: { name: string }) => m.name).sort()).toEqual(
      first!.topo.flatMap((s) => s.module.map((m) => m.bk_module_name)).sort(),
    );
  });
});

describe('bad and unknown ids', () => {
  it('answers null for unknown business and host ids, without errors', async () => {
    const { body } = await server.graphql('{ business(id: "987654") { id } host(id: "987654") { id } }');
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ business: null, host: null });
  });

  it('answers BAD_USER_INPUT naming the argument for ids of the wrong form', async () => {
    const { body } = await server.graphql('{ business(id: "abc") { id } }');
    expect(body.data).toEqual({ business: null });
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.extensions?.field).toBe('id');
  });

  it('answers BAD_USER_INPUT for hosts(first: 501)', async () => {
    const [biz] = await normalBusinesses();
    const { body } = await server.graphql(
      `{ business(id: "${biz!.bk_biz_id}") { hosts(first: 501) { totalCount } } }`,
    );
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(body.errors?.[0]?.extensions?.field).toBe('first');
  });
});

describe('permissions and identity', () => {
  it('answers FORBIDDEN with the IAM permission details when bob asks for a business', async () => {
    const [biz] = await normalBusinesses();
    const { body } = await server.graphql(
      `{ business(id: "${biz!.bk_biz_id}") { id name } }`,
      {},
      {
        'x-bk-token': 'token-bob',
      },
    );
    expect(body.data).toEqual({ business: null });
    const error = body.errors?.[0];
    expect(error?.extensions?.code).toBe('FORBIDDEN');
    const permission = error?.extensions?.permission as { system_id: string; actions: unknown[] };
    expect(permission.system_id).toBe('bk_cmdb');
    expect(permission.actions.length).toBeGreaterThan(0);
    expect(JSON.stringify(body)).not.toMatch(/https?:\/\/|sandbox-secret|token-bob/);
  });

  it('never serves one user the cached answer of another', async () => {
    const q = '{ businesses(first: 200) { totalCount nodes { id } } }';
    const asAlice = async () => (await server.graphql(q, {}, { 'x-bk-token': 'token-alice' })).body;
    const asAdmin = async () => (await server.graphql(q, {}, { 'x-bk-token': 'token-admin' })).body;
    const alice1 = await asAlice();
    const admin1 = await asAdmin();
    const alice2 = await asAlice();
    const admin2 = await asAdmin();
    expect(alice1.data).toEqual(alice2.data);
    expect(admin1.data).toEqual(admin2.data);
    const total = (data: unknown) => (data as { businesses: { totalCount: number } }).businesses.totalCount;
    expect(total(alice1.data)).toBeLessThan(total(admin1.data));
  });
});

describe('caching', () => {
  it('answers a repeated query from the cache and goes upstream again with Cache-Control: no-cache', async () => {
    const [biz] = await normalBusinesses();
    const q = `{ business(id: "${biz!.bk_biz_id}") { name sets { name } hosts(first: 10) { nodes { id } } } }`;
    await server.graphql(q);
    const cachedCalls = await callsOf(() => server.graphql(q));
    expect(cachedCalls).toEqual({});
    const fresh = await callsOf(() => server.graphql(q, {}, NO_CACHE));
    expect(fresh['cmdb.search_business']).toBe(1);
    expect(fresh['cmdb.search_set']).toBe(1);
    expect(fresh['cmdb.list_biz_hosts']).toBe(1);
  });
});

describe('partial results', () => {
  afterEach(() => server.faults({}));

  it('nulls only the agents when GSE fails, and the hosts still arrive', async () => {
    const [biz] = await normalBusinesses();
    await server.faults({ errorRate: 1, apis: ['gse.list_agent_state'] } as unknown as Record<
      string,
      number
    >);
    const { body } = await server.graphql(
      `{ business(id: "${biz!.bk_biz_id}") { hosts(first: 5) { nodes { id agent { alive } } } } }`,
      {},
      NO_CACHE,
    );
    const nodes = (body.data as { business: { hosts: { nodes: { id: string; agent: unknown }[] } } }).business
      .hosts.nodes;
    expect(nodes.length).toBe(5);
    for (const n of nodes) expect(n.agent).toBeNull();
    expect(body.errors?.length).toBeGreaterThan(0);
    for (const e of body.errors ?? []) {
      expect(e.path?.slice(-1)).toEqual(['agent']);
      expect(['UPSTREAM_ERROR', 'UPSTREAM_UNAVAILABLE']).toContain(e.extensions?.code);
      expect((e.extensions?.upstream as { system: string }).system).toBe('gse');
    }
  });
});

describe('cache invalidation from CMDB events', () => {
  it('shows a host moved in the sandbox in its new module within one watch cycle', async () => {
    const [biz] = await normalBusinesses();
    const [first] = await bizHostsTopo(biz!.bk_biz_id);
    const id = String(first!.host.bk_host_id);
    const modules = await cmdb<{ info: { bk_module_id: number; default: number }[] }>(
      `/api/v3/module/search/0/${biz!.bk_biz_id}/0`,
      {
        bk_biz_id: biz!.bk_biz_id,
        fields: ['bk_module_id', 'default'],
        condition: {},
        page: { start: 0, limit: 500 },
      },
    );
    const current = new Set(first!.topo.flatMap((s) => s.module.map((m) => m.bk_module_id)));
    const target = modules.info.find((m) => m.default === 0 && !current.has(m.bk_module_id))!;
    const q = `{ host(id: "${id}") { modules { id } } }`;
    const modulesNow = async () =>
      ((await server.graphql(q)).body.data as { host: { modules: { id: string }[] } }).host.modules.map(
        (m) => m.id,
      );

    expect(await modulesNow()).not.toContain(String(target.bk_module_id)); // now cached (hosts TTL 30 s)
    const moved = await fetch(`${server.sandboxUrl}/_sandbox/cmdb/hosts/${id}/transfer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ bk_module_ids: [target.bk_module_id] }),
    });
    expect(moved.status).toBe(200);

    // One watch cycle is at most the sandbox's long-poll timeout (400 ms here) plus a round trip.
    let seen: string[] = [];
    for (let i = 0; i < 30 && !seen.includes(String(target.bk_module_id)); i++) {
      await new Promise((r) => setTimeout(r, 50));
      seen = await modulesNow();
    }
    expect(seen).toEqual([String(target.bk_module_id)]);
  });
});
