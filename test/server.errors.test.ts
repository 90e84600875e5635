import { BusinessesDocument } from './__generated__/graphql';
import { startTestServer } from './helpers/server';
import type { TestServer } from './helpers/server';

describe('bad input and upstream failures', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  test.each([501, 0, -1])(
    'first: %i is BAD_USER_INPUT naming `first`, and no upstream call is made',
    async (first) => {
      await server.resetStats();
      const { status, body } = await server.graphql(BusinessesDocument, { first });
      expect(status).toBe(200);
      expect(body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
      expect(body.errors?.[0]?.path).toEqual(['businesses']);
      expect((await server.stats()).calls['cmdb.search_business']).toBeUndefined();
    },
  );

  test.each([
    ['not base64 at all', 'not a cursor!'],
    ['base64 of something else', Buffer.from('{"id":3}').toString('base64')],
    ['a negative offset', Buffer.from('offset:-1').toString('base64')],
  ])('an `after` that is %s is BAD_USER_INPUT naming `after`', async (_what, after) => {
    const { body } = await server.graphql(BusinessesDocument, { first: 2, after });
    expect(body.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  test('a failing CMDB is an UPSTREAM_* error naming the call, with no URL, body or stack', async () => {
    await server.faults({ errorRate: 1 });
    try {
      const { status, body } = await server.graphql(BusinessesDocument, { first: 2 });
      expect(status).toBe(200);
      expect(body.data).toBeNull();
      const error = body.errors?.[0];
      expect(String(error?.extensions?.code)).toMatch(/^UPSTREAM_/);
      expect(error?.extensions?.upstream).toMatchObject({ system: 'cmdb', api: 'search_business' });
      const text = JSON.stringify(body);
      expect(text).not.toContain(server.sandboxUrl);
      expect(text).not.toMatch(/https?:\/\//);
      expect(text).not.toMatch(/stacktrace|\s+at\s+\S+\s+\(/);
    } finally {
      await server.faults({});
    }
  });

  test('readyz answers 503 naming the system while its circuit is open', async () => {
    await server.faults({ errorRate: 1 });
    try {
      // The circuit opens when most of at least 20 calls in its window fail (after retries); the
      // windows differ so that each request makes a call of its own.
      await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          server.graphql(BusinessesDocument, { first: i + 1 }, { 'cache-control': 'no-cache' }),
        ),
      );
      const res = await fetch(`${server.url}/readyz`);
      const body = (await res.json()) as { status: string; reason: string };
      expect(res.status).toBe(503);
      expect(body.reason).toContain('cmdb');
    } finally {
      await server.faults({});
    }
  });
});
