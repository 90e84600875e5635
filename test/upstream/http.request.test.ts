import type { Transport } from '../../src/upstream/limits';
import { createUpstreamCaller } from '../../src/upstream/http/caller';
import { adminCtx, getUserInfo, ok, searchBusiness, useFakeUpstream, upstreamConfig } from './fake-upstream';

const fake = useFakeUpstream();
const { callers } = fake;

function callerFor(transport: Transport, overrides: Parameters<typeof upstreamConfig>[2] = {}) {
  const caller = createUpstreamCaller({ config: upstreamConfig(fake.upstream.url, transport, overrides) });
  callers.push(caller);
  return caller;
}

function only<T>(items: T[]): T {
  expect(items).toHaveLength(1);
  return items[0] as T;
}

describe('APIGW requests', () => {
  it('posts to {template}/{stage}/{path} with the path parameter filled and the body untouched', async () => {
    fake.upstream.reply(ok({ count: 0, info: [] }));
    const data = await callerFor('apigw').call(
      searchBusiness,
      { path: { bk_supplier_account: '0' }, body: { fields: ['bk_biz_id'], page: { start: 0, limit: 10 } } },
      adminCtx,
    );
    expect(data).toEqual({ count: 0, info: [] });
    const req = only(fake.upstream.requests);
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/api/bk-cmdb/prod/api/v3/biz/search/0');
    expect(JSON.parse(req.body)).toEqual({ fields: ['bk_biz_id'], page: { start: 0, limit: 10 } });
  });

  it('sends X-Bkapi-Authorization as JSON with the app and the bk_token, plus request id and JSON headers', async () => {
    await callerFor('apigw').call(searchBusiness, { path: { bk_supplier_account: '0' } }, adminCtx);
    const { headers } = only(fake.upstream.requests);
    expect(JSON.parse(String(headers['x-bkapi-authorization']))).toEqual({
      bk_app_code: 'bk-graph',
      bk_app_secret: 'sandbox-secret',
      bk_token: 'token-admin',
    });
    expect(headers['x-request-id']).toBe('req-1');
    expect(headers['accept']).toBe('application/json');
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-bk-tenant-id']).toBeUndefined();
  });

  it('never puts the app secret or the user token in the APIGW body or query', async () => {
    await callerFor('apigw').call(
      searchBusiness,
      { path: { bk_supplier_account: '0' }, body: { a: 1 } },
      adminCtx,
    );
    await callerFor('apigw').call(getUserInfo, { query: { bk_token: undefined, lang: 'en' } }, adminCtx);
    for (const req of fake.upstream.requests) {
      expect(req.url + req.body).not.toMatch(/sandbox-secret|token-admin|bk_app_code/);
    }
  });

  it('sends only the app and the access_token when the caller holds an access_token', async () => {
    await callerFor('apigw').call(
      searchBusiness,
      { path: { bk_supplier_account: '0' } },
      {
        credentials: { kind: 'access_token', accessToken: 'at-alice' },
        requestId: 'r',
      },
    );
    const auth = JSON.parse(String(only(fake.upstream.requests).headers['x-bkapi-authorization']));
    expect(auth).toEqual({
      bk_app_code: 'bk-graph',
      bk_app_secret: 'sandbox-secret',
      access_token: 'at-alice',
    });
  });

  it('sends X-Bk-Tenant-Id from the call, falling back to the configured tenant', async () => {
    const caller = callerFor('apigw', { tenantId: 'system' });
    await caller.call(
      searchBusiness,
      { path: { bk_supplier_account: '0' } },
      { ...adminCtx, tenantId: 'tenant-a' },
    );
    await caller.call(searchBusiness, { path: { bk_supplier_account: '0' } }, adminCtx);
    expect(fake.upstream.requests.map((r) => r.headers['x-bk-tenant-id'])).toEqual(['tenant-a', 'system']);
  });

  it('URL-encodes path parameters', async () => {
    await callerFor('apigw').call(searchBusiness, { path: { bk_supplier_account: 'a b/c?' } }, adminCtx);
    expect(only(fake.upstream.requests).url).toBe('/api/bk-cmdb/prod/api/v3/biz/search/a%20b%2Fc%3F');
  });

  it('uses GET with a query string and no body for GET resources', async () => {
    fake.upstream.reply({ json: { data: { bk_username: 'admin' } } });
    const data = await callerFor('apigw').call(
      getUserInfo,
      { query: { lang: 'en', skip: undefined } },
      adminCtx,
    );
    expect(data).toEqual({ bk_username: 'admin' });
    const req = only(fake.upstream.requests);
    expect(req.method).toBe('GET');
    expect(req.url).toBe('/api/bk-login/prod/login/api/v3/open/bk-tokens/userinfo/?lang=en');
    expect(req.body).toBe('');
    expect(req.headers['content-type']).toBeUndefined();
  });

  it('throws before any I/O when a path parameter is missing', async () => {
    await expect(callerFor('apigw').call(searchBusiness, {}, adminCtx)).rejects.toThrow(
      "cmdb.search_business: path parameter 'bk_supplier_account' is missing",
    );
    expect(fake.upstream.requests).toHaveLength(0);
  });

  it('throws before any I/O when a GET resource is given a body', async () => {
    await expect(callerFor('apigw').call(getUserInfo, { body: { a: 1 } }, adminCtx)).rejects.toThrow(
      /pass query/,
    );
    expect(fake.upstream.requests).toHaveLength(0);
  });
});

describe('ESB requests', () => {
  it('posts to /api/c/compapi/v2/{system}/{api}/ with path parameters and common args in the body', async () => {
    fake.upstream.reply({ json: { result: true, code: 0, data: { count: 1, info: [] }, request_id: 'abc' } });
    const data = await callerFor('esb').call(
      searchBusiness,
      { path: { bk_supplier_account: '0' }, body: { fields: ['bk_biz_id'] } },
      adminCtx,
    );
    expect(data).toEqual({ count: 1, info: [] });
    const req = only(fake.upstream.requests);
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/api/c/compapi/v2/cc/search_business/');
    expect(JSON.parse(req.body)).toEqual({
      fields: ['bk_biz_id'],
      bk_supplier_account: '0',
      bk_app_code: 'bk-graph',
      bk_app_secret: 'sandbox-secret',
      bk_token: 'token-admin',
    });
    expect(req.headers['x-request-id']).toBe('req-1');
  });

  it('puts query, path parameters and common args in the query string of a GET', async () => {
    await callerFor('esb').call(
      getUserInfo,
      { query: { lang: 'en' }, path: { bk_biz_id: 3 } },
      { credentials: { kind: 'bk_username', bkUsername: 'admin' }, requestId: 'r' },
    );
    const req = only(fake.upstream.requests);
    expect(req.method).toBe('GET');
    const url = new URL(req.url, 'http://x');
    expect(url.pathname).toBe('/api/c/compapi/v2/bk_login/get_user/');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      lang: 'en',
      bk_biz_id: '3',
      bk_app_code: 'bk-graph',
      bk_app_secret: 'sandbox-secret',
      bk_username: 'admin',
    });
  });

  it('throws when the system uses ESB but no component URL is configured', async () => {
    await expect(
      callerFor('esb', { componentApiUrl: null }).call(
        searchBusiness,
        { path: { bk_supplier_account: '0' } },
        adminCtx,
      ),
    ).rejects.toThrow(/BK_COMPONENT_API_URL/);
  });
});

describe('logging', () => {
  it('logs system, api, status and request ids but never secrets, tokens, URLs or bodies', async () => {
    const lines: string[] = [];
    const log = (obj: object, msg: string) => lines.push(`${msg} ${JSON.stringify(obj)}`);
    const caller = createUpstreamCaller({
      config: upstreamConfig(fake.upstream.url, 'esb'),
      logger: { debug: log, warn: log },
      retry: { maxAttempts: 1 },
    });
    callers.push(caller);
    fake.upstream.reply(ok({ secret_field: 'visible-data' }), {
      json: { result: false, code: 1199006, message: 'bad page', request_id: 'esb-rid' },
    });
    await caller.call(
      searchBusiness,
      { path: { bk_supplier_account: '0' }, body: { q: 'body-value' } },
      adminCtx,
    );
    await expect(
      caller.call(searchBusiness, { path: { bk_supplier_account: '0' } }, adminCtx),
    ).rejects.toThrow();
    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).toContain('"requestId":"req-1"');
    expect(lines.join('\n')).toContain('"upstreamRequestId":"esb-rid"');
    expect(lines.join('\n')).toContain('"api":"search_business"');
    expect(lines.join('\n')).not.toMatch(
      /sandbox-secret|token-admin|body-value|visible-data|compapi|127\.0\.0\.1/,
    );
  });
});
