import { spawn } from 'node:child_process';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { createClient } from '@redis/client';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { startTestServer, type TestServer } from './helpers/server';

/**
 * Every setting the README's configuration table documents takes effect: each is set through the
 * environment of a real server and observed from outside (the sandbox's own counters and request
 * journal, Redis, the answers). Settings covered elsewhere: the query limits
 * (server.limits.test.ts), the deadline and field budget (server.deadline.test.ts), the breaker's
 * half-open delay (server.resilience.test.ts), the store (every test server), PORT, DATA_DIR and
 * bad configuration (server.main.test.ts), the transports (server.transports.test.ts).
 */

const NO_CACHE = { 'cache-control': 'no-cache' };

interface Journal {
  requests: { api: string; transport: string; method: string; path: string; body: unknown }[];
}

async function journal(sandboxUrl: string): Promise<Journal['requests']> {
  const res = await fetch(`${sandboxUrl}/_sandbox/requests`);
  return ((await res.json()) as Journal).requests.filter((r) => r.api !== 'cmdb.resource_watch');
}

async function firstBusiness(server: TestServer): Promise<string> {
  const { body } = await server.graphql<{ businesses: { nodes: { id: string; hostCount: number }[] } }>(
    '{ businesses(first: 20) { nodes { id hostCount } } }',
    {},
    { 'x-bk-token': 'token-admin' },
  );
  return body.data!.businesses.nodes.find((b) => b.hostCount >= 30)!.id;
}

describe('against a BlueKing configured like a real install (an external sandbox)', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
  });

  async function withServer(env: Record<string, string>, run: (s: TestServer) => Promise<void>) {
    const server = await startTestServer({ WATCH_ENABLED: '0', ...env }, { externalSandboxUrl: sandbox.url });
    try {
      await sandbox.reset();
      await run(server);
    } finally {
      await server.close();
    }
  }

  const admin = { 'x-bk-token': 'token-admin', ...NO_CACHE };

  test('BK_API_STAGE names the APIGW stage in every path', async () => {
    await withServer({ BK_API_STAGE: 'stage2' }, async (server) => {
      await server.graphql('{ businesses(first: 1) { totalCount } }', {}, admin);
      const calls = await journal(sandbox.url);
      const apigw = calls.filter((c) => c.transport === 'apigw');
      expect(apigw.length).toBeGreaterThan(0);
      expect(apigw.filter((c) => !/^\/api\/[^/]+\/stage2\//.test(c.path))).toEqual([]);
    });
  });

  test('BK_SUPPLIER_ACCOUNT is the supplier account CMDB is asked with', async () => {
    await withServer({ BK_SUPPLIER_ACCOUNT: '0' }, async (server) => {
      await server.graphql('{ businesses(first: 1) { totalCount } }', {}, admin);
      expect((await journal(sandbox.url)).map((c) => c.path)).toContain(
        '/api/bk-cmdb/prod/api/v3/biz/search/0',
      );
    });
    await withServer({ BK_SUPPLIER_ACCOUNT: '7' }, async (server) => {
      await server.graphql('{ businesses(first: 1) { totalCount } }', {}, admin);
      expect((await journal(sandbox.url)).map((c) => c.path)).toContain(
        '/api/bk-cmdb/prod/api/v3/biz/search/7',
      );
    });
  });

  test('BK_CMDB_TRANSPORT and BK_GSE_TRANSPORT send one system over ESB while the others stay on APIGW', async () => {
    await withServer(
      { BK_CMDB_TRANSPORT: 'esb', BK_GSE_TRANSPORT: 'esb', BK_GSE_VERSION: '1' },
      async (server) => {
        const biz = await firstBusiness(server);
        await sandbox.reset();
        const { body } = await server.graphql(
          'query ($b: ID!) { me { username } business(id: $b) { hosts(first: 5) { nodes { agent { alive } } } } }',
          { b: biz },
          admin,
        );
        expect(body.errors).toBeUndefined();
        const calls = await journal(sandbox.url);
        const bySystem = (prefix: string) =>
          new Set(calls.filter((c) => c.api.startsWith(prefix)).map((c) => c.transport));
        expect(bySystem('cmdb.')).toEqual(new Set(['esb']));
        expect(bySystem('gse.')).toEqual(new Set(['esb']));
        expect(calls.map((c) => c.api)).toContain('gse.get_agent_status');
        expect(bySystem('login.')).toEqual(new Set(['apigw']));
      },
    );
  });

  test('BK_TENANT_ID is the tenant when bk-login names none (ESB-era bk-login)', async () => {
    await withServer({ BK_TRANSPORT: 'esb', BK_TENANT_ID: 'acme' }, async (server) => {
      const { body } = await server.graphql('{ me { username tenantId } }', {}, admin);
      expect(body.data).toEqual({ me: { username: 'admin', tenantId: 'acme' } });
    });
  });

  test('WATCH_USERNAME is the identity the cache watcher watches CMDB as', async () => {
    await withServer({ WATCH_ENABLED: '1', WATCH_USERNAME: 'watcher-7', BK_TRANSPORT: 'esb' }, async () => {
      // ESB carries the caller in the body, which the sandbox's journal keeps (secrets masked).
      let watches: unknown[] = [];
      for (let i = 0; i < 40 && watches.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const res = await fetch(`${sandbox.url}/_sandbox/requests`);
        watches = ((await res.json()) as Journal).requests
          .filter((r) => r.api === 'cmdb.resource_watch')
          .map((r) => r.body);
      }
      expect(watches.length).toBeGreaterThan(0);
      const users = watches.map((b) => (JSON.parse(String(b)) as { bk_username?: string }).bk_username);
      expect(users).toEqual(watches.map(() => 'watcher-7'));
    });
  });

  test('BK_BATCH_LIMITS lowers the agents per GSE call and the hosts per CMDB page', async () => {
    await withServer({ BK_BATCH_LIMITS: 'gseAgents=10,hostsPage=20' }, async (server) => {
      const biz = await firstBusiness(server);
      await sandbox.reset();
      const { body } = await server.graphql<{ business: { hosts: { nodes: unknown[] } } }>(
        'query ($b: ID!) { business(id: $b) { hosts(first: 30) { nodes { id agent { alive } } } } }',
        { b: biz },
        admin,
      );
      expect(body.data?.business.hosts.nodes).toHaveLength(30);
      const { calls } = await sandbox.stats();
      // 30 hosts: two CMDB pages of at most 20, three GSE calls of at most 10 agents.
      expect(calls['cmdb.list_biz_hosts']).toBe(2);
      expect(calls['gse.list_agent_state']).toBe(3);
    });
  });

  test('BK_BREAKER_MIN_CALLS, BK_BREAKER_WINDOW_MS and BK_BREAKER_THRESHOLD decide when a circuit opens', async () => {
    await withServer(
      { BK_BREAKER_MIN_CALLS: '3', BK_BREAKER_WINDOW_MS: '5000', BK_BREAKER_THRESHOLD: '0.6' },
      async (server) => {
        await sandbox.faults({ apis: ['cmdb.search_business'], errorRate: 1 });
        try {
          await Promise.all(
            [1, 2, 3].map((n) =>
              server.graphql('query ($n: Int) { businesses(first: $n) { totalCount } }', { n }, admin),
            ),
          );
          const ready = await fetch(`${server.url}/readyz`);
          expect(((await ready.json()) as { reason: string }).reason).toContain('circuit open for cmdb');
        } finally {
          await sandbox.faults({});
        }
      },
    );
  });
});

describe('cache settings', () => {
  const QUERIES: [string, string, string][] = [
    ['CACHE_TTL_BUSINESS_S', '{ businesses(first: 2) { totalCount } }', 'cmdb.search_business'],
    ['CACHE_TTL_TOPOLOGY_S', 'query ($b: ID!) { business(id: $b) { sets { id } } }', 'cmdb.search_set'],
    [
      'CACHE_TTL_HOSTS_S',
      'query ($b: ID!) { business(id: $b) { hosts(first: 3) { nodes { id } } } }',
      'cmdb.list_biz_hosts',
    ],
    [
      'CACHE_TTL_AGENT_S',
      'query ($b: ID!) { business(id: $b) { hosts(first: 3) { nodes { agent { alive } } } } }',
      'gse.list_agent_state',
    ],
    ['CACHE_TTL_APP_S', '{ app(code: "bk_cmdb") { name } }', 'paas.uni_apps_query_by_id'],
  ];

  let cached: TestServer;
  beforeAll(async () => {
    cached = await startTestServer({ WATCH_ENABLED: '0' });
  });
  afterAll(async () => {
    await cached.close();
  });

  /** Upstream calls of `api` made by two repeats of `query` after a first, warming run. */
  async function repeatCalls(server: TestServer, query: string, api: string): Promise<number> {
    const b = await firstBusiness(server);
    await server.graphql(query, { b });
    await server.resetStats();
    await server.graphql(query, { b });
    await server.graphql(query, { b });
    return (await server.stats()).calls[api] ?? 0;
  }

  test.each(QUERIES)(
    '%s: 0 asks upstream every time, the default answers a repeat from the cache',
    async (name, query, api) => {
      const uncached = await startTestServer({ WATCH_ENABLED: '0', [name]: '0' });
      try {
        expect(await repeatCalls(cached, query, api)).toBe(0);
        expect(await repeatCalls(uncached, query, api)).toBe(2);
      } finally {
        await uncached.close();
      }
    },
  );

  test('CACHE_TTL_USER_S: 0 asks bk-login about the bk_token on every request', async () => {
    const server = await startTestServer({ WATCH_ENABLED: '0', CACHE_TTL_USER_S: '0' });
    try {
      await server.resetStats();
      for (let i = 0; i < 3; i++)
        await server.graphql('{ me { username } }', {}, { 'x-bk-token': 'token-bob' });
      const { calls } = await server.stats();
      expect(calls['login.verify_bk_token']).toBe(3);
    } finally {
      await server.close();
    }
  });

  test('CACHE_NAMESPACE prefixes every key bk-graph writes to Redis', async () => {
    const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const namespace = `bkg-test-${Date.now().toString(36)}`;
    const server = await startTestServer({
      WATCH_ENABLED: '0',
      REDIS_URL: redisUrl,
      CACHE_NAMESPACE: namespace,
    });
    const redis = createClient({ url: redisUrl });
    await redis.connect();
    try {
      await server.graphql('{ businesses(first: 2) { totalCount } }');
      let keys: string[] = [];
      for (let i = 0; i < 20 && keys.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
        keys = await redis.keys(`${namespace}*`);
      }
      expect(keys.length).toBeGreaterThan(0);
    } finally {
      for (const key of await redis.keys(`${namespace}*`)) await redis.del(key);
      await redis.quit();
      await server.close();
    }
  });

  test('CACHE_MEMORY_MAX_MB bounds the memory cache: what does not fit is fetched again', async () => {
    // Enough hosts that their pages together are far beyond 1 MB.
    const server = await startTestServer({
      WATCH_ENABLED: '0',
      CACHE_MEMORY_MAX_MB: '1',
      SANDBOX_HOSTS: '8000',
    });
    try {
      const { body } = await server.graphql<{ businesses: { nodes: { id: string }[] } }>(
        '{ businesses(first: 20) { nodes { id } } }',
      );
      const ids = body.data!.businesses.nodes.map((n) => n.id);
      const page =
        'query ($b: ID!) { business(id: $b) { hosts(first: 500) { nodes { id innerIp name osName sets { name } modules { name } } } } }';
      // Every business's host page, more than 1 MB in all: the first ones are evicted.
      for (const b of ids) await server.graphql(page, { b });
      await server.resetStats();
      await server.graphql(page, { b: ids[0] });
      expect((await server.stats()).calls['cmdb.list_biz_hosts_topo']).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe('sandbox settings', () => {
  test('SANDBOX_SEED decides the generated data', async () => {
    const names = async (seed: string) => {
      const server = await startTestServer({ WATCH_ENABLED: '0', SANDBOX_SEED: seed });
      try {
        const { body } = await server.graphql<{
          businesses: { nodes: { hosts: { nodes: { innerIp: string }[] } }[] };
        }>('{ businesses(first: 3) { nodes { hosts(first: 5) { nodes { innerIp } } } } }');
        return JSON.stringify(body.data);
      } finally {
        await server.close();
      }
    };
    const [a, b, again] = [await names('1'), await names('2'), await names('1')];
    expect(a).toEqual(again);
    expect(a).not.toEqual(b);
  });

  test('SANDBOX_APP_CODE and SANDBOX_APP_SECRET are the app the sandbox trusts, and sandbox mode uses it', async () => {
    const server = await startTestServer({
      WATCH_ENABLED: '0',
      SANDBOX_APP_CODE: 'my-app',
      SANDBOX_APP_SECRET: 'my-secret',
    });
    try {
      const { body } = await server.graphql('{ businesses(first: 1) { totalCount } }');
      expect(body.errors).toBeUndefined();
      const direct = await fetch(`${server.sandboxUrl}/api/bk-cmdb/prod/api/v3/biz/search/0`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-bkapi-authorization': JSON.stringify({
            bk_app_code: 'bk-graph',
            bk_app_secret: 'sandbox-secret',
            bk_token: 'token-admin',
          }),
        },
        body: JSON.stringify({ page: { start: 0, limit: 1 } }),
      });
      expect(direct.status).toBe(400);
    } finally {
      await server.close();
    }
  });

  test('SANDBOX_PORT is where `npm run sandbox` listens', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createNetServer().listen(0, '127.0.0.1', () => {
        const { port: p } = probe.address() as { port: number };
        probe.close(() => resolve(p));
      });
    });
    const child = spawn(process.execPath, ['--import', 'tsx', join('src', 'sandbox', 'main.ts')], {
      cwd: join(__dirname, '..'),
      env: { PATH: process.env.PATH ?? '', SANDBOX_PORT: String(port), SANDBOX_HOSTS: '100' },
      stdio: 'ignore',
    });
    try {
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 200));
        status = await fetch(`http://127.0.0.1:${port}/_sandbox/stats`).then(
          (r) => r.status,
          () => 0,
        );
      }
      expect(status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  }, 30_000);
});
