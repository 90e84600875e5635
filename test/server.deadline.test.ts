import { startTestServer } from './helpers/server';
import type { TestServer } from './helpers/server';

/**
 * A request's deadline and its work budget through the front door: what runs past them stops,
 * the answer says so field by field, and everyone else is served meanwhile.
 */

const DEADLINE_MS = 1500;
const FIELDS_DEADLINE_MS = 10_000;

async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await run();
  return { value, ms: performance.now() - started };
}

describe('a request that runs into its deadline', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ BK_REQUEST_DEADLINE_MS: String(DEADLINE_MS) });
  });
  afterAll(async () => {
    await server.close();
  });

  test('ends by its deadline + 1 s with UPSTREAM_TIMEOUT on the fields it could not finish, while another caller is served', async () => {
    // GSE answers only after 8 s: every Host.agent waits on it, the rest of the query does not.
    await server.faults({ apis: ['gse.list_agent_state'], latencyMs: 8000 });
    try {
      const heavy = timed(() =>
        server.graphql(
          '{ businesses(first: 20) { nodes { id name hosts(first: 50) { nodes { id agent { alive } } } } } }',
          {},
          { 'cache-control': 'no-cache' },
        ),
      );
      await new Promise((r) => setTimeout(r, 200));
      const other = await timed(() =>
        server.graphql('{ me { username } }', {}, { 'x-bk-token': 'token-alice' }),
      );
      expect(other.value.body.data).toEqual({ me: { username: 'alice' } });
      expect(other.ms).toBeLessThan(1000);

      const { value, ms } = await heavy;
      expect(ms).toBeLessThan(DEADLINE_MS + 1000);
      const { data, errors } = value.body as {
        data: { businesses: { nodes: { id: string; hosts: { nodes: { id: string; agent: unknown }[] } }[] } };
        errors?: { path?: (string | number)[]; extensions?: { code?: string } }[];
      };
      // What did not need GSE arrived; every agent is null with a deadline error of its own.
      const hosts = data.businesses.nodes.flatMap((b) => b.hosts.nodes);
      expect(hosts.length).toBeGreaterThan(0);
      expect(hosts.every((h) => h.id && h.agent === null)).toBe(true);
      expect(errors?.length).toBe(hosts.length);
      expect(new Set(errors?.map((e) => e.extensions?.code))).toEqual(new Set(['UPSTREAM_TIMEOUT']));
      expect(errors?.every((e) => e.path?.at(-1) === 'agent')).toBe(true);
    } finally {
      await server.faults({});
    }
  });
});

describe('a request that resolves more fields than its budget', () => {
  let server: TestServer;
  beforeAll(async () => {
    // The static limits are lifted, so only the run-time bounds stand between this query and the
    // heap; the deadline is long, so the field budget is what stops it, however busy the machine.
    server = await startTestServer({
      GRAPHQL_MAX_DEPTH: '60',
      GRAPHQL_MAX_COST: '0',
      GRAPHQL_MAX_FIELDS: '20000',
      BK_REQUEST_DEADLINE_MS: String(FIELDS_DEADLINE_MS),
    });
  });
  afterAll(async () => {
    await server.close();
  });

  test('stops with QUERY_TOO_COMPLEX naming the field budget, and /healthz answers meanwhile', async () => {
    let inner = 'id';
    for (let i = 0; i < 20; i++) inner = `set { modules { ${inner} } }`;
    const bomb = timed(() => server.graphql(`{ businesses(first: 1) { nodes { modules { ${inner} } } } }`));
    const health: number[] = [];
    let done = false;
    void bomb.finally(() => {
      done = true;
    });
    while (!done) {
      const { ms } = await timed(() => fetch(`${server.url}/healthz`).then((r) => r.text()));
      health.push(ms);
      await new Promise((r) => setTimeout(r, 50));
    }
    const { value, ms } = await bomb;
    expect(ms).toBeLessThan(FIELDS_DEADLINE_MS);
    expect(value.body.errors?.[0]?.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'fields',
      max: 20000,
    });
    expect(Math.max(...health)).toBeLessThan(1000);
  });
});
