import { startTestServer } from './helpers/server';
import type { TestServer } from './helpers/server';

/**
 * Upstream failures through the front door: retries absorb a flaky system, and only a sick one is
 * shed (its circuit opens on the failure rate, and closes again once it recovers).
 */

const NO_CACHE = { 'cache-control': 'no-cache' };
const HALF_OPEN_MS = 3000;
const HOSTS =
  'query ($b: ID!) { business(id: $b) { name hosts(first: 50) { nodes { id agent { alive } } } } }';
const FLEET =
  '{ businesses(first: 20) { nodes { id hostCount hosts(first: 50) { nodes { id agent { alive } } } } } }';

let server: TestServer;
let bizIds: string[];
let bizId: string;

// Each test has a server of its own: a circuit's window remembers the calls of the test before.
beforeEach(async () => {
  server = await startTestServer({ BK_BREAKER_HALF_OPEN_MS: String(HALF_OPEN_MS) });
  const { body } = await server.graphql<{ businesses: { nodes: { id: string; hostCount: number }[] } }>(
    '{ businesses(first: 50) { nodes { id hostCount } } }',
  );
  bizIds = body.data!.businesses.nodes.filter((b) => b.hostCount > 0).map((b) => b.id);
  bizId = bizIds[0]!;
});
afterEach(async () => {
  await server.close();
});

/** Runs `total` requests, `concurrency` at a time; resolves to how many answered with errors. */
async function failures(
  total: number,
  concurrency: number,
  send: (i: number) => Promise<{ body: { errors?: unknown[] } }>,
) {
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const { body } = await send(i);
        if (body.errors?.length) failed += 1;
      }
    }),
  );
  return failed;
}

test('at a 10% 5xx rate, at least 99% of 300 concurrent canonical reads complete without errors', async () => {
  await server.faults({ errorRate: 0.1 });
  // Page sizes vary so that each request makes calls of its own: identical concurrent requests
  // share one in-flight upstream call, and with it one failure, which would test the sharing.
  const failed = await failures(300, 20, (i) =>
    i % 3 === 0
      ? server.graphql(FLEET, { f: 30 + (i % 20) }, NO_CACHE)
      : server.graphql(HOSTS, { b: bizIds[i % bizIds.length], f: 40 + (i % 10) }, NO_CACHE),
  );
  expect(failed).toBeLessThanOrEqual(3);
  const ready = await fetch(`${server.url}/readyz`);
  expect(ready.status).toBe(200);
});

test('with GSE failing every call, its circuit opens: agents fail fast while CMDB fields arrive, and it closes after GSE recovers', async () => {
  await server.faults({ apis: ['gse.list_agent_state'], errorRate: 1 });
  // The circuit opens once failures are the majority of at least 20 calls in its window. One
  // request per business, so that each is a GSE call of its own (identical concurrent requests
  // share one in-flight call).
  const openReason = async () =>
    ((await (await fetch(`${server.url}/readyz`)).json()) as { reason?: string }).reason ?? '';
  for (let round = 0; round < 20 && !(await openReason()).includes('circuit open for gse'); round++)
    await failures(bizIds.length, bizIds.length, (i) => server.graphql(HOSTS, { b: bizIds[i] }, NO_CACHE));
  expect(await openReason()).toContain('circuit open for gse');

  await server.resetStats();
  const { body } = await server.graphql<{
    business: { name: string; hosts: { nodes: { id: string; agent: unknown }[] } };
  }>(HOSTS, { b: bizId }, NO_CACHE);
  expect(body.data?.business.name).toBeTruthy();
  expect(body.data?.business.hosts.nodes.length).toBeGreaterThan(0);
  expect(body.data?.business.hosts.nodes.every((h) => h.agent === null)).toBe(true);
  expect(new Set(body.errors?.map((e) => e.extensions?.code))).toEqual(new Set(['UPSTREAM_UNAVAILABLE']));
  // Failing fast: GSE was not called at all while its circuit is open.
  expect((await server.stats()).calls['gse.list_agent_state']).toBeUndefined();

  await server.faults({});
  await new Promise((r) => setTimeout(r, HALF_OPEN_MS + 200));
  const recovered = await server.graphql<{ business: { hosts: { nodes: { agent: unknown }[] } } }>(
    HOSTS,
    { b: bizId },
    NO_CACHE,
  );
  expect(recovered.body.errors).toBeUndefined();
  expect(recovered.body.data?.business.hosts.nodes.some((h) => h.agent !== null)).toBe(true);
  expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
});
