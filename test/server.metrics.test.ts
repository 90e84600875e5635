import { startTestServer } from './helpers/server';
import type { TestServer } from './helpers/server';

/** `GET /metrics` through the front door: Prometheus text about what the process did. */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

async function scrape(): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${server.url}/metrics`);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** The value of one sample line, e.g. `name{a="b"} 3`; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelText = line.slice(name.length + 1, line.lastIndexOf('}'));
    const has = Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`));
    if (has) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

test('counts upstream calls by system, API and outcome, and HTTP requests by route template', async () => {
  const before = (await scrape()).text;
  const calls = (t: string) =>
    sample(t, 'bk_graph_upstream_calls_total', { system: 'cmdb', api: 'search_business', outcome: 'ok' }) ??
    0;
  await server.graphql('{ businesses(first: 3) { totalCount } }', {}, { 'cache-control': 'no-cache' });
  const { status, type, text } = await scrape();
  expect(status).toBe(200);
  expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
  expect(calls(text)).toBe(calls(before) + 1);
  expect(
    sample(text, 'bk_graph_http_requests_total', { method: 'POST', route: '/graphql', status: '200' }),
  ).toBeGreaterThan(0);
  expect(text).toContain('bk_graph_upstream_call_duration_seconds_bucket{');
});

test('shows every circuit closed while the systems answer, and the cache counters', async () => {
  const { text } = await scrape();
  for (const system of ['cmdb', 'gse', 'job', 'itsm', 'login', 'paas'])
    expect(sample(text, 'bk_graph_circuit_state', { system })).toBe(0);
  expect(sample(text, 'bk_graph_cache_events', { event: 'misses' })).toBeGreaterThan(0);
});

test('labels hold route templates and API names only: no ids, tokens or URLs', async () => {
  await fetch(`${server.url}/healthz?bk_token=token-admin`);
  await server.graphql('{ business(id: "2") { name } }', {}, { 'x-bk-token': 'token-alice' });
  const { text } = await scrape();
  expect(text).not.toContain('token-');
  expect(text).not.toContain(server.sandboxUrl);
  expect(text).not.toMatch(/route="[^"]*\?/);
  expect(sample(text, 'bk_graph_http_requests_total', { route: '/healthz' })).toBeGreaterThan(0);
});

test('compiles each GraphQL operation once: repeats of a query text run the compiled form', async () => {
  const compiled = (text: string) => {
    const line = text.split('\n').find((l) => l.startsWith('bk_graph_operations_compiled_total '));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  const before = compiled((await scrape()).text);
  expect(before).toBeDefined();
  const query = '{ businesses(first: 2) { nodes { id name } } }';
  for (let i = 0; i < 3; i++) {
    const { body } = await server.graphql(query, {}, { 'cache-control': 'no-cache' });
    expect(body.errors).toBeUndefined();
  }
  expect(compiled((await scrape()).text)).toBe(before! + 1);
  await server.graphql('{ businesses(first: 4) { totalCount } }'); // a text no other test sends
  expect(compiled((await scrape()).text)).toBe(before! + 2);
});
