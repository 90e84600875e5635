import { BusinessesDocument, MeAndBusinessesDocument, MeDocument } from './__generated__/graphql';
import { sandboxSearchBusiness, startTestServer } from './helpers/server';
import type { TestServer } from './helpers/server';

describe('queries in sandbox mode (no credentials: the sandbox user admin)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  test('me and the first five businesses match what the sandbox CMDB answers for admin', async () => {
    const { status, body } = await server.graphql(MeAndBusinessesDocument, { first: 5 });
    const truth = await sandboxSearchBusiness(server.sandboxUrl, 'token-admin', { start: 0, limit: 5 });

    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.me.username).toBe('admin');
    expect(body.data?.businesses.totalCount).toBe(truth.count);
    expect(body.data?.businesses.nodes).toEqual(
      truth.info.map((b) => ({ id: String(b.bk_biz_id), name: b.bk_biz_name })),
    );
  });

  test('me carries the display name, tenant and language bk-login knows', async () => {
    const { body } = await server.graphql(MeDocument);
    expect(body.errors).toBeUndefined();
    expect(body.data?.me).toEqual({
      username: 'admin',
      displayName: 'Administrator',
      tenantId: 'default',
      language: 'zh-cn',
    });
  });

  test('after the end cursor of one page, the next page continues where CMDB would', async () => {
    const page1 = await server.graphql(BusinessesDocument, { first: 2 });
    const end = page1.body.data?.businesses.pageInfo.endCursor;
    expect(page1.body.data?.businesses.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(end).toEqual(expect.any(String));

    const page2 = await server.graphql(BusinessesDocument, { first: 2, after: end });
    const truth = await sandboxSearchBusiness(server.sandboxUrl, 'token-admin', { start: 2, limit: 2 });
    expect(truth.info.length).toBeGreaterThan(0);
    expect(page2.body.errors).toBeUndefined();
    expect(page2.body.data?.businesses.nodes.map((n) => n.id)).toEqual(
      truth.info.map((b) => String(b.bk_biz_id)),
    );
    expect(page2.body.data?.businesses.nodes[0]?.maintainers).toEqual(
      truth.info[0]?.bk_biz_maintainer.split(','),
    );
    expect(page2.body.data?.businesses.pageInfo.hasPreviousPage).toBe(true);
  });

  test('a name filter narrows the list to the businesses CMDB matches', async () => {
    const all = await sandboxSearchBusiness(server.sandboxUrl, 'token-admin', { start: 0, limit: 200 });
    const target = all.info[3];
    expect(target).toBeDefined();
    const { body } = await server.graphql(BusinessesDocument, { filter: { name: target?.bk_biz_name } });
    expect(body.errors).toBeUndefined();
    expect(body.data?.businesses.nodes.map((n) => n.id)).toEqual([String(target?.bk_biz_id)]);
  });
});

describe('a business list longer than one CMDB page', () => {
  let server: TestServer;
  beforeAll(async () => {
    // 450 businesses: more than two of search_business's pages of at most 200.
    server = await startTestServer({ SANDBOX_BUSINESSES: '450', SANDBOX_HOSTS: '500' });
  });
  afterAll(async () => {
    await server.close();
  });

  test('first: 500 returns every business in pages CMDB accepts (at most 200 each), in CMDB order', async () => {
    const truthPages = await Promise.all(
      [0, 200, 400].map((start) =>
        sandboxSearchBusiness(server.sandboxUrl, 'token-admin', { start, limit: 200 }),
      ),
    );
    const truth = truthPages.flatMap((p) => p.info.map((b) => String(b.bk_biz_id)));
    const count = truthPages[0]!.count;
    expect(count).toBeGreaterThan(400);

    await server.resetStats();
    const { body } = await server.graphql(
      BusinessesDocument,
      { first: 500 },
      { 'cache-control': 'no-cache' },
    );
    const stats = await server.stats();
    expect(body.errors).toBeUndefined();
    expect(body.data?.businesses.totalCount).toBe(count);
    expect(body.data?.businesses.nodes.map((n) => n.id)).toEqual(truth);
    expect(body.data?.businesses.pageInfo.hasNextPage).toBe(count > 500);
    // The sandbox rejects page.limit > 200 on search_business, so a success proves the split.
    expect(stats.calls['cmdb.search_business']).toBe(Math.ceil(Math.min(500, count) / 200));
  });

  test('a window past the first page starts where CMDB would', async () => {
    const truth = await sandboxSearchBusiness(server.sandboxUrl, 'token-admin', { start: 250, limit: 30 });
    const first = await server.graphql(BusinessesDocument, { first: 250 });
    const after = first.body.data?.businesses.pageInfo.endCursor;
    const { body } = await server.graphql(BusinessesDocument, { first: 30, after });
    expect(body.data?.businesses.nodes.map((n) => n.id)).toEqual(truth.info.map((b) => String(b.bk_biz_id)));
  });
});
