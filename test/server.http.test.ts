import { startTestServer, foregroundCalls } from './helpers/server';
import { sandboxExecutions } from './jobs.helpers';
import type { TestServer } from './helpers/server';

describe('the HTTP front door', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  test('GET /healthz answers {"status":"ok"}', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  test('GET /readyz is ready when the upstream circuits are closed, the store answers and the sandbox answers', async () => {
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ready',
      checks: { upstream: 'ok', store: 'ok', sandbox: 'ok' },
    });
  });

  test('a sane X-Request-Id is echoed back; a missing or unsafe one is replaced by a generated id', async () => {
    const given = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'trace-42.a:b' } });
    const none = await fetch(`${server.url}/healthz`);
    const unsafe = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'x'.repeat(300) } });
    expect(given.headers.get('x-request-id')).toBe('trace-42.a:b');
    expect(none.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('a browser GET /graphql gets GraphiQL whose every asset is same-origin and served', async () => {
    const res = await fetch(`${server.url}/graphql`, {
      headers: { accept: 'text/html,application/xhtml+xml' },
    });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");

    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(urls).toHaveLength(5);
    expect(html).not.toMatch(/https?:\/\//);
    for (const url of urls) {
      expect(url).toMatch(/^\/graphiql\/assets\//);
      const asset = await fetch(`${server.url}${url}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toMatch(/max-age=31536000/);
      expect(asset.headers.get('content-type')).toMatch(/javascript|css/);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
    expect(html).toContain('businesses(first: 5)');
  });

  test('an unknown GraphiQL asset is 404', async () => {
    const res = await fetch(`${server.url}/graphiql/assets/..%2Fpackage.json`);
    expect(res.status).toBe(404);
  });

  test('a GraphQL GET (not asking for HTML) is answered by Apollo', async () => {
    const res = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ me { username } }')}`, {
      headers: { accept: 'application/graphql-response+json', 'apollo-require-preflight': 'true' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { me: { username: 'admin' } } });
  });

  test('a GET query that carries a cookie but no preflight header is refused as a possible CSRF', async () => {
    const res = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ me { username } }')}`, {
      headers: { cookie: 'bk_token=token-alice' },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toMatch(/Cross-Site Request Forgery/);
  });

  test('a GET query without cookies needs no preflight header (no ambient credential to forge)', async () => {
    const res = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ me { username } }')}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ data: { me: { username: 'admin' } } });
  });

  test('a mutation sent over GET answers 405 with Allow: POST and never reaches JOB', async () => {
    const plans = await server.graphql('{ jobPlans(businessId: "2", first: 1) { nodes { id } } }');
    const planId = (plans.body.data as { jobPlans: { nodes: { id: string }[] } }).jobPlans.nodes[0]!.id;
    const before = await sandboxExecutions(server.sandboxUrl);
    await server.resetStats();
    const mutation = `mutation { executeJobPlan(input: { businessId: "2", planId: "${planId}" }) { job { id } } }`;
    const res = await fetch(`${server.url}/graphql?query=${encodeURIComponent(mutation)}`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toContain('POST');
    expect((await server.stats()).calls['job.execute_job_plan']).toBeUndefined();
    expect((await sandboxExecutions(server.sandboxUrl)).execute_job_plan).toBe(before.execute_job_plan);
  });

  test('/_sandbox/* is passed through to the embedded sandbox', async () => {
    await server.resetStats();
    await server.graphql('{ businesses(first: 1) { totalCount } }');
    const viaBkGraph = await fetch(`${server.url}/_sandbox/stats`);
    const direct = await fetch(`${server.sandboxUrl}/_sandbox/stats`);
    expect(viaBkGraph.status).toBe(200);
    // Background loops (the cache watcher's long polls) may land between the two reads.
    const withoutWatch = (stats: { calls: Record<string, number>; total: number }) =>
      foregroundCalls(stats.calls);
    expect(withoutWatch((await viaBkGraph.json()) as never)).toEqual(
      withoutWatch((await direct.json()) as never),
    );

    const reset = await fetch(`${server.url}/_sandbox/reset`, { method: 'POST' });
    expect(reset.status).toBe(200);
    expect(foregroundCalls((await server.stats()).calls)).toEqual({});
  });

  test('a syntax error is a GraphQL error in the body, not an internal error', async () => {
    const { status, body } = await server.graphql('{ me { username ');
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });
});
