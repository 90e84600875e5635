import { BusinessesDocument, MeDocument } from './__generated__/graphql';
import { sandboxSearchBusiness, startTestServer } from './helpers/server';
import type { TestServer } from './helpers/server';

const NO_CACHE = { 'cache-control': 'no-cache' };

describe('who is calling', () => {
  let server: TestServer;
  const idsOf = (nodes: { id: string }[] | undefined) => (nodes ?? []).map((n) => n.id);
  const truthIds = async (bkToken: string) =>
    (await sandboxSearchBusiness(server.sandboxUrl, bkToken, { start: 0, limit: 200 })).info.map((b) =>
      String(b.bk_biz_id),
    );

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  test('a bk_token cookie makes the request act as that user', async () => {
    const me = await server.graphql(MeDocument, {}, { cookie: 'lang=en; bk_token=token-alice' });
    const list = await server.graphql(BusinessesDocument, { first: 200 }, { cookie: 'bk_token=token-alice' });
    expect(me.body.data?.me.username).toBe('alice');
    expect(idsOf(list.body.data?.businesses.nodes)).toEqual(await truthIds('token-alice'));
  });

  test('an X-Bk-Token header makes the request act as that user, and wins over a cookie', async () => {
    const { body } = await server.graphql(
      MeDocument,
      {},
      { 'x-bk-token': 'token-bob', cookie: 'bk_token=token-alice' },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data?.me.username).toBe('bob');
  });

  test("a Bearer access_token is forwarded, so CMDB answers with that user's businesses", async () => {
    const { body } = await server.graphql(
      BusinessesDocument,
      { first: 200 },
      { authorization: 'Bearer at-alice' },
    );
    expect(body.errors).toBeUndefined();
    expect(idsOf(body.data?.businesses.nodes)).toEqual(await truthIds('token-alice'));
  });

  test('alice and admin see different business lists, each exactly what CMDB grants them', async () => {
    const admin = await server.graphql(BusinessesDocument, { first: 200 });
    const alice = await server.graphql(BusinessesDocument, { first: 200 }, { 'x-bk-token': 'token-alice' });
    const adminIds = idsOf(admin.body.data?.businesses.nodes);
    const aliceIds = idsOf(alice.body.data?.businesses.nodes);
    expect(adminIds).toEqual(await truthIds('token-admin'));
    expect(aliceIds).toEqual(await truthIds('token-alice'));
    expect(aliceIds.length).toBeGreaterThan(0);
    expect(aliceIds.length).toBeLessThan(adminIds.length);
    expect(aliceIds.every((id) => adminIds.includes(id))).toBe(true);
  });

  test('an unknown bk_token is UNAUTHENTICATED (HTTP 401) and nothing is executed', async () => {
    const { status, body } = await server.graphql(MeDocument, {}, { 'x-bk-token': 'token-nobody' });
    expect(status).toBe(401);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(body)).not.toContain('token-nobody');
  });

  test('a Bearer access_token answers `me` with the user it stands for', async () => {
    const { status, body } = await server.graphql(MeDocument, {}, { authorization: 'Bearer at-alice' });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.me.username).toBe('alice');
  });

  test('an access_token BlueKing rejects is UNAUTHENTICATED (HTTP 401), like a bad bk_token, and nothing is executed', async () => {
    await server.resetStats();
    const { status, body } = await server.graphql(
      BusinessesDocument,
      { first: 1 },
      { authorization: 'Bearer at-nobody' },
    );
    expect(status).toBe(401);
    expect(body.data).toBeUndefined();
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(JSON.stringify(body)).not.toContain('at-nobody');
    expect((await server.stats()).calls['cmdb.search_business']).toBeUndefined();
  });

  test('an Authorization header that is not Bearer is UNAUTHENTICATED', async () => {
    const { status, body } = await server.graphql(
      MeDocument,
      {},
      { authorization: 'Basic YWRtaW46YWRtaW4=' },
    );
    expect(status).toBe(401);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  test.each([
    ['bk_token', { 'x-bk-token': 'token-bob' }],
    ['access_token', { authorization: 'Bearer at-bob' }],
  ])(
    'a verified %s is trusted for a while: bk-login is asked once for repeated requests',
    async (_kind, headers: Record<string, string>) => {
      await server.resetStats();
      for (let i = 0; i < 3; i++) {
        // no-cache: each request asks CMDB, so the calls show that each one ran as that caller.
        const { body } = await server.graphql(BusinessesDocument, { first: 1 }, { ...headers, ...NO_CACHE });
        expect(body.errors).toBeUndefined();
      }
      const { calls } = await server.stats();
      const loginCalls = Object.entries(calls).filter(([api]) => api.startsWith('login.'));
      expect(loginCalls.reduce((n, [, c]) => n + c, 0)).toBeLessThanOrEqual(1);
      expect(calls['cmdb.search_business']).toBe(3);
    },
  );
});
