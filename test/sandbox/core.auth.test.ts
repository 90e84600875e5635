import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bkFetch, startTestSandbox } from '../helpers/sandbox';
import type { TestSandbox } from '../helpers/sandbox';

const FIXTURES = '/work/shared/bk-api/fixtures';
const fixture = (name: string) =>
  JSON.parse(readFileSync(join(FIXTURES, `apigw.error.${name}.json`), 'utf8')).response as {
    http_status: number;
    headers: Record<string, string>;
    body: unknown;
  };

const BIZ_SEARCH = '/api/bk-cmdb/prod/api/v3/biz/search/0';
const ESB_BIZ_SEARCH = '/api/c/compapi/v2/cc/search_business/';
const JOB_PLAN_LIST = '/api/bk-job/prod/api/v3/get_job_plan_list';

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(() => sb.close());

async function expectFixture(res: Awaited<ReturnType<typeof bkFetch>>, name: string): Promise<void> {
  const f = fixture(name);
  expect(res.status).toBe(f.http_status);
  expect(res.json).toEqual(f.body);
  expect(res.headers.get('x-bkapi-error-code')).toBe(f.headers['X-Bkapi-Error-Code']);
  expect(res.headers.get('x-bkapi-error-message')).toBe(f.headers['X-Bkapi-Error-Message']);
  expect(res.headers.get('x-bkapi-request-id')).toMatch(/^[0-9a-f-]{36}$/);
}

describe('APIGW gateway auth', () => {
  test('answers the app_code_empty fixture when no X-Bkapi-Authorization is sent', async () => {
    await expectFixture(await bkFetch(sb.url, BIZ_SEARCH, { body: {}, auth: null }), 'app_code_empty');
  });

  test('answers the app_secret_missing fixture when bk_app_secret is absent', async () => {
    const res = await bkFetch(sb.url, BIZ_SEARCH, {
      body: {},
      auth: { appSecret: undefined, bkToken: 'token-admin' },
    });
    await expectFixture(res, 'app_secret_missing');
  });

  test('answers the app_secret_incorrect fixture when bk_app_secret is wrong', async () => {
    const res = await bkFetch(sb.url, BIZ_SEARCH, {
      body: {},
      auth: { appSecret: 'wrong', bkToken: 'token-admin' },
    });
    await expectFixture(res, 'app_secret_incorrect');
  });

  test('answers the user_missing fixture when a user-requiring API gets no user', async () => {
    await expectFixture(await bkFetch(sb.url, BIZ_SEARCH, { body: {}, auth: {} }), 'user_missing');
  });

  test('answers 400 1640001 with the user-failure reason when bk_token is unknown', async () => {
    await expectFixture(
      await bkFetch(sb.url, BIZ_SEARCH, { body: {}, auth: { bkToken: 'token-nobody' } }),
      'user_missing',
    );
  });

  test('answers the user_not_verified fixture when a verified-user API gets only bk_username', async () => {
    const res = await bkFetch(sb.url, JOB_PLAN_LIST, {
      query: { bk_scope_type: 'biz', bk_scope_id: '2' },
      auth: { username: 'admin' },
    });
    await expectFixture(res, 'user_not_verified');
  });

  test('answers 400 1640001 when X-Bkapi-Authorization is not JSON', async () => {
    const res = await bkFetch(sb.url, BIZ_SEARCH, {
      body: {},
      auth: null,
      headers: { 'X-Bkapi-Authorization': 'bk_app_code=bk-graph' },
    });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      code: 1640001,
      code_name: 'INVALID_ARGS',
      data: null,
      result: false,
      message: 'Parameters error [reason="request header X-Bkapi-Authorization is not a valid JSON"]',
    });
  });

  test('accepts bk_token from the bk_token cookie and an access_token alone', async () => {
    const byCookie = await bkFetch(sb.url, BIZ_SEARCH, {
      body: {},
      auth: {},
      headers: { cookie: 'bk_token=token-admin' },
    });
    expect(byCookie.json.result).toBe(true);
    const byAccessToken = await bkFetch(sb.url, BIZ_SEARCH, {
      body: {},
      auth: null,
      headers: { 'X-Bkapi-Authorization': JSON.stringify({ access_token: 'at-admin' }) },
    });
    expect(byAccessToken.status).toBe(200);
    expect(byAccessToken.json.result).toBe(true);
  });

  test('answers 403 1640302 CROSS_TENANT_FORBIDDEN when X-Bk-Tenant-Id is another tenant', async () => {
    const res = await bkFetch(sb.url, BIZ_SEARCH, { body: {}, headers: { 'X-Bk-Tenant-Id': 'other' } });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({
      code: 1640302,
      code_name: 'CROSS_TENANT_FORBIDDEN',
      result: false,
      data: null,
    });
    expect(res.json.message).toMatch(
      /^Cross tenant forbidden \[reason="Cross-tenant calls are not allowed: /,
    );
    const same = await bkFetch(sb.url, BIZ_SEARCH, { body: {}, headers: { 'X-Bk-Tenant-Id': 'default' } });
    expect(same.json.result).toBe(true);
  });
});

describe('APIGW routing', () => {
  test('answers 404 1640401 API_NOT_FOUND for a wrong verb', async () => {
    const res = await bkFetch(sb.url, BIZ_SEARCH, { method: 'GET' });
    expect(res.status).toBe(404);
    const message = `API not found [method="GET" path="${BIZ_SEARCH}"]`;
    expect(res.json).toEqual({
      code_name: 'API_NOT_FOUND',
      data: null,
      code: 1640401,
      message,
      result: false,
    });
    expect(res.headers.get('x-bkapi-error-code')).toBe('1640401');
    expect(res.headers.get('x-bkapi-request-id')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  test('answers 404 1640401 for an unknown path and accepts any stage name', async () => {
    const res = await bkFetch(sb.url, '/api/bk-cmdb/prod/api/v3/nothing/here', { body: {} });
    expect(res.json.code).toBe(1640401);
    const staged = await bkFetch(sb.url, '/api/bk-cmdb/stag/api/v3/biz/search/0', { body: {} });
    expect(staged.json.result).toBe(true);
  });

  test('answers CMDB 1199000 in its envelope for malformed JSON', async () => {
    const res = await bkFetch(sb.url, BIZ_SEARCH, { body: '{"fields": [', method: 'POST' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      result: false,
      code: 1199000,
      message: 'JSON unmarshal failed',
      permission: null,
      data: null,
    });
  });

  test('answers 413 1641301 and stops reading when the body exceeds maxBodyBytes', async () => {
    const small = await startTestSandbox({ maxBodyBytes: 1024 });
    try {
      const res = await bkFetch(small.url, BIZ_SEARCH, { body: { pad: 'x'.repeat(4096) } });
      expect(res.status).toBe(413);
      expect(res.json).toMatchObject({ code: 1641301, code_name: 'BODY_SIZE_LIMIT_EXCEED', result: false });
      const ok = await bkFetch(small.url, BIZ_SEARCH, { body: {} });
      expect(ok.json.result).toBe(true);
    } finally {
      await small.close();
    }
  });
});

describe('ESB gateway', () => {
  const esbFail = (message: string) => ({
    result: false,
    code: 1306000,
    message,
    data: null,
    request_id: expect.stringMatching(/^[0-9a-f]{32}$/),
  });

  test('answers 1306000 for an empty app code, a missing secret and a wrong secret', async () => {
    let res = await bkFetch(sb.url, ESB_BIZ_SEARCH, { body: {}, auth: null });
    expect(res.status).toBe(200);
    expect(res.json).toEqual(esbFail('APP Code [bk_app_code] cannot be empty'));
    res = await bkFetch(sb.url, ESB_BIZ_SEARCH, {
      body: {},
      auth: { appSecret: undefined, bkToken: 'token-admin' },
    });
    expect(res.json).toEqual(esbFail('APP Secret [bk_app_secret] cannot be empty'));
    res = await bkFetch(sb.url, ESB_BIZ_SEARCH, {
      body: {},
      auth: { appSecret: 'nope', bkToken: 'token-admin' },
    });
    expect(res.json.code).toBe(1306000);
    expect(res.json.result).toBe(false);
  });

  test('answers 1306000 for a missing user and for an invalid bk_token', async () => {
    let res = await bkFetch(sb.url, ESB_BIZ_SEARCH, { body: {}, auth: {} });
    expect(res.json).toEqual(
      esbFail(
        'User authentication failed, please provide a valid user identity, such as bk_token, bk_username',
      ),
    );
    res = await bkFetch(sb.url, ESB_BIZ_SEARCH, { body: {}, auth: { bkToken: 'expired' } });
    expect(res.json).toEqual(esbFail('User authentication failed, please check if the bk_token is valid'));
  });

  test('reads auth from the query on GET and from X-Bkapi-Authorization', async () => {
    const get = await bkFetch(sb.url, ESB_BIZ_SEARCH, { method: 'GET' });
    expect(get.json).toMatchObject({ result: true, code: 0 });
    const header = await bkFetch(sb.url, '/api/c/compapi/v2/cc/search_business', {
      body: {},
      auth: null,
      transport: 'apigw',
      headers: {
        'X-Bkapi-Authorization': JSON.stringify({
          bk_app_code: 'bk-graph',
          bk_app_secret: 'sandbox-secret',
          bk_username: 'admin',
        }),
      },
    });
    expect(header.json).toMatchObject({ result: true, request_id: expect.stringMatching(/^[0-9a-f]{32}$/) });
  });

  test('answers HTTP 200 1306404 for an unknown component', async () => {
    const res = await bkFetch(sb.url, '/api/c/compapi/v2/cc/no_such_api/', { body: {} });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      result: false,
      code: 1306404,
      data: null,
      request_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  });
});
