import type { Transport } from '../../src/upstream/limits';
import { UpstreamError } from '../../src/errors';
import { createUpstreamCaller } from '../../src/upstream/http/caller';
import type { UpstreamHttpCaller } from '../../src/upstream/http/caller';
import type { ApiSpec } from '../../src/upstream/types';
import {
  adminCtx,
  getUserInfo,
  searchBusiness,
  startFakeUpstream,
  uniApps,
  upstreamConfig,
} from './fake-upstream';
import type { FakeUpstream, Reply } from './fake-upstream';

let upstream: FakeUpstream;
const callers: Partial<Record<Transport, UpstreamHttpCaller>> = {};

beforeAll(async () => {
  upstream = await startFakeUpstream();
  for (const t of ['apigw', 'esb'] as const) {
    callers[t] = createUpstreamCaller({
      config: upstreamConfig(upstream.url, t),
      retry: { maxAttempts: 1 },
      breaker: { minimumCalls: Number.MAX_SAFE_INTEGER },
      maxBodyBytes: 64 * 1024,
    });
  }
});
afterEach(() => upstream.clear());
afterAll(async () => {
  await Promise.all(Object.values(callers).map((c) => c.close()));
  await upstream.close();
});

const gatewayBody = (
  status: number,
  code: number,
  codeName: string,
  message: string,
  headers = {},
): Reply => ({
  status,
  headers: { 'x-bkapi-request-id': 'apigw-rid', 'x-bkapi-error-code': String(code), ...headers },
  json: { code, code_name: codeName, message, result: false, data: null },
});

describe.each(['apigw', 'esb'] as const)('over %s', (transport) => {
  const call = (reply: Reply, spec: ApiSpec = searchBusiness) => {
    upstream.reply(reply);
    return (callers[transport] as UpstreamHttpCaller).call(
      spec,
      { path: { bk_supplier_account: '0' } },
      adminCtx,
    );
  };
  const failure = async (reply: Reply, spec: ApiSpec = searchBusiness): Promise<UpstreamError> => {
    const err: unknown = await call(reply, spec).then(
      () => {
        throw new Error('expected the call to fail');
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UpstreamError);
    return err as UpstreamError;
  };

  it('maps 400 1640001 about the app secret to auth / UNAUTHENTICATED with the gateway request id', async () => {
    const err = await failure(
      gatewayBody(
        400,
        1640001,
        'INVALID_ARGS',
        'Parameters error [reason="bk_app_code or bk_app_secret is incorrect"]',
      ),
    );
    expect(err.kind).toBe('auth');
    expect(err.extensions.code).toBe('UNAUTHENTICATED');
    expect(err.upstream).toEqual({
      system: 'cmdb',
      api: 'search_business',
      code: 1640001,
      requestId: 'apigw-rid',
      httpStatus: 400,
    });
    expect(err.message).toBe(
      'cmdb.search_business failed: Parameters error [reason="bk_app_code or bk_app_secret is incorrect"]',
    );
  });

  it('maps 400 1640001 about the user identity to auth', async () => {
    const err = await failure(
      gatewayBody(
        400,
        1640001,
        'INVALID_ARGS',
        'Parameters error [reason="user authentication failed, please provide a valid user identity, such as bk_username, bk_token, access_token"]',
      ),
    );
    expect(err.kind).toBe('auth');
  });

  it('maps a 400 that is not about credentials to a gateway UPSTREAM_ERROR', async () => {
    const err = await failure(
      gatewayBody(400, 1640001, 'INVALID_ARGS', 'Parameters error [reason="bad path"]'),
    );
    expect([err.kind, err.extensions.code]).toEqual(['gateway', 'UPSTREAM_ERROR']);
  });

  it('maps 403 1640301 to a gateway FORBIDDEN', async () => {
    const err = await failure(
      gatewayBody(403, 1640301, 'APP_NO_PERMISSION', 'App has no permission to the resource'),
    );
    expect([err.kind, err.extensions.code, err.upstream.code]).toEqual(['gateway', 'FORBIDDEN', 1640301]);
  });

  it('maps 404 1640401 to a gateway UPSTREAM_ERROR', async () => {
    const err = await failure(
      gatewayBody(404, 1640401, 'API_NOT_FOUND', 'API not found [method="POST" path="/api/x"]'),
    );
    expect([err.kind, err.extensions.code, err.upstream.httpStatus]).toEqual([
      'gateway',
      'UPSTREAM_ERROR',
      404,
    ]);
  });

  it('maps 413 to a gateway error', async () => {
    const err = await failure(
      gatewayBody(413, 1641301, 'BODY_SIZE_LIMIT_EXCEED', 'Request body size too large.'),
    );
    expect([err.kind, err.upstream.httpStatus]).toEqual(['gateway', 413]);
  });

  it('maps 429 to rate_limit with the wait from X-Bkapi-RateLimit-Reset', async () => {
    const err = await failure(
      gatewayBody(429, 1642903, 'RATE_LIMIT_RESTRICTION', 'API rate limit exceeded by resource strategy', {
        'x-bkapi-ratelimit-reset': '3',
      }),
    );
    expect([err.kind, err.extensions.code, err.extra.retryAfterSeconds]).toEqual([
      'rate_limit',
      'RATE_LIMITED',
      3,
    ]);
    expect(err.extensions.retryAfterSeconds).toBe(3);
  });

  it('maps 504 1650401 to timeout / UPSTREAM_TIMEOUT', async () => {
    const err = await failure(
      gatewayBody(504, 1650401, 'REQUEST_BACKEND_TIMEOUT', 'Request backend service timeout'),
    );
    expect([err.kind, err.extensions.code, err.upstream.code]).toEqual([
      'timeout',
      'UPSTREAM_TIMEOUT',
      1650401,
    ]);
  });

  it('maps an nginx HTML 502 to a gateway error without quoting the page', async () => {
    const err = await failure({ status: 502, raw: '<html><body>502 Bad Gateway nginx</body></html>' });
    expect([err.kind, err.upstream.httpStatus]).toEqual(['gateway', 502]);
    expect(err.message).toBe('cmdb.search_business failed: HTTP 502');
  });

  it('maps a backend 401 (JOB 1247002) to auth', async () => {
    const err = await failure({
      status: 401,
      json: { code: 1247002, result: false, message: 'user is required' },
    });
    expect([err.kind, err.upstream.code]).toEqual(['auth', 1247002]);
  });

  it("maps bk-login's 400 VALIDATION_ERROR to auth", async () => {
    const err = await failure(
      { status: 400, json: { error: { code: 'VALIDATION_ERROR', message: 'bk_token is invalid' } } },
      getUserInfo,
    );
    expect([err.kind, err.extensions.code, err.upstream.code]).toEqual([
      'auth',
      'UNAUTHENTICATED',
      'VALIDATION_ERROR',
    ]);
  });

  it('maps result:false to a business error carrying the upstream code, message and request id', async () => {
    const err = await failure({
      json: {
        result: false,
        code: 1199006,
        message: "'page.limit' data parameter verification does not pass",
        data: null,
        request_id: 'esb-rid',
      },
    });
    expect([err.kind, err.extensions.code]).toEqual(['business', 'UPSTREAM_ERROR']);
    expect(err.upstream).toEqual({
      system: 'cmdb',
      api: 'search_business',
      code: 1199006,
      requestId: 'esb-rid',
      httpStatus: 200,
    });
    expect(err.message).toContain("'page.limit' data parameter verification does not pass");
  });

  it('reads bk_error_code and bk_error_msg when code and message are absent', async () => {
    const err = await failure({
      json: { result: false, bk_error_code: 1199997, bk_error_msg: 'too many requests' },
    });
    expect([err.kind, err.upstream.code, err.message]).toEqual([
      'business',
      1199997,
      'cmdb.search_business failed: too many requests',
    ]);
  });

  it('takes the request id of a JOB answer from job_request_id', async () => {
    const err = await failure({
      json: { result: false, code: 1240002, message: 'bad', job_request_id: 'job-rid' },
    });
    expect(err.upstream.requestId).toBe('job-rid');
  });

  it('maps 9900403 to permission / FORBIDDEN with the IAM permission object', async () => {
    const permission = {
      system_id: 'bk_cmdb',
      system_name: '配置平台',
      actions: [{ id: 'find_business', name: '业务查询', related_resource_types: [] }],
    };
    const err = await failure({
      json: { result: false, code: 9900403, message: 'Do not have access permission.', permission },
    });
    expect([err.kind, err.extensions.code]).toEqual(['permission', 'FORBIDDEN']);
    expect(err.extra.permission).toEqual(permission);
    expect(err.extensions.permission).toEqual(permission);
    expect(err.extra.permission?.applyUrl).toBeUndefined();
  });

  it('maps ESB 1306000 with an authentication reason to auth', async () => {
    const err = await failure({
      json: {
        result: false,
        code: 1306000,
        message: 'User authentication failed, please check if the bk_token is valid',
        request_id: 'r',
      },
    });
    expect(err.kind).toBe('auth');
  });

  it('maps ESB 1306429 to rate_limit and other 1306xxx to gateway', async () => {
    expect(
      (await failure({ json: { result: false, code: 1306429, message: 'Access frequency limit' } })).kind,
    ).toBe('rate_limit');
    expect(
      (await failure({ json: { result: false, code: 1306404, message: 'component not found' } })).kind,
    ).toBe('gateway');
  });

  it('maps a status-rewritten gateway body on HTTP 200 by the status inside its code', async () => {
    const err = await failure(
      gatewayBody(200, 1640301, 'APP_NO_PERMISSION', 'App has no permission to the resource'),
    );
    expect([err.kind, err.extensions.code, err.upstream.httpStatus]).toEqual(['gateway', 'FORBIDDEN', 200]);
  });

  it('treats a body without a result key as success (data, or the body itself)', async () => {
    await expect(call({ json: { data: { bk_username: 'admin' } } })).resolves.toEqual({
      bk_username: 'admin',
    });
    await expect(call({ json: { count: 2 } })).resolves.toEqual({ count: 2 });
  });

  it('returns a bare body as the data', async () => {
    await expect(call({ json: [{ bk_app_code: 'x' }] }, uniApps)).resolves.toEqual([{ bk_app_code: 'x' }]);
  });

  it('maps a 200 whose body is not JSON to malformed', async () => {
    const err = await failure({ raw: '<html>login</html>' });
    expect([err.kind, err.extensions.code, err.upstream.httpStatus]).toEqual([
      'malformed',
      'UPSTREAM_ERROR',
      200,
    ]);
  });

  it('maps a body larger than the cap to malformed', async () => {
    const err = await failure({ json: { result: true, data: 'x'.repeat(100 * 1024) } });
    expect(err.kind).toBe('malformed');
  });

  it('maps a chunked body (no content-length) larger than the cap to malformed', async () => {
    const err = await failure({ json: { result: true, data: 'x'.repeat(100 * 1024) }, chunked: true });
    expect([err.kind, err.message]).toEqual([
      'malformed',
      'cmdb.search_business answered with a body larger than 65536 bytes',
    ]);
  });

  it('reads a chunked body within the cap whole, multi-byte characters split across chunks included', async () => {
    const info = Array.from({ length: 200 }, (_, i) => ({ bk_biz_id: i, bk_biz_name: `蓝鲸业务-${i}` }));
    await expect(
      call({ json: { result: true, code: 0, data: { count: 200, info } }, chunked: true }),
    ).resolves.toEqual({ count: 200, info });
  });

  it('never puts the URL, the body or a secret in the error', async () => {
    const err = await failure({
      status: 500,
      json: { code: 1650001, code_name: 'INTERNAL', message: 'boom', data: { leak: 'body-data' } },
    });
    const shown = JSON.stringify({ message: err.message, extensions: err.extensions });
    expect(shown).not.toMatch(/127\.0\.0\.1|compapi|bk-cmdb\/prod|sandbox-secret|token-admin|body-data/);
  });
});
