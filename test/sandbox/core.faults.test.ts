import { bkFetch, startTestSandbox } from '../helpers/sandbox';
import type { TestSandbox } from '../helpers/sandbox';

const BIZ_SEARCH = '/api/bk-cmdb/prod/api/v3/biz/search/0';
const SET_SEARCH = '/api/bk-cmdb/prod/api/v3/set/search/0/2';
const ESB_BIZ_SEARCH = '/api/c/compapi/v2/cc/search_business/';

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterEach(() => sb.faults({}));
afterAll(() => sb.close());

describe('fault injection', () => {
  test('failNext answers APIGW 502 1650200 and ESB nginx HTML, then recovers', async () => {
    await sb.faults({ failNext: 2 });
    const apigw = await bkFetch(sb.url, BIZ_SEARCH, { body: {} });
    expect(apigw.status).toBe(502);
    expect(apigw.json).toMatchObject({ code: 1650200, code_name: 'BAD_GATEWAY', result: false, data: null });
    expect(apigw.headers.get('x-bkapi-error-code')).toBe('1650200');
    const esb = await bkFetch(sb.url, ESB_BIZ_SEARCH, { body: {} });
    expect(esb.status).toBe(502);
    expect(esb.headers.get('content-type')).toMatch(/text\/html/);
    expect(esb.text).toContain('502 Bad Gateway');
    expect((await bkFetch(sb.url, BIZ_SEARCH, { body: {} })).status).toBe(200);
  });

  test('errorRate 1 with errorStatus 503 fails every call', async () => {
    await sb.faults({ errorRate: 1, errorStatus: 503 });
    for (let i = 0; i < 3; i++) {
      const res = await bkFetch(sb.url, BIZ_SEARCH, { body: {} });
      expect(res.status).toBe(503);
      expect(res.json.code).toBe(1650300);
    }
  });

  test('apis limits faults to the named APIs', async () => {
    await sb.faults({ errorRate: 1, apis: ['cmdb.search_set'] });
    expect((await bkFetch(sb.url, BIZ_SEARCH, { body: {} })).status).toBe(200);
    const set = await bkFetch(sb.url, SET_SEARCH, {
      body: { page: { start: 0, limit: 10 }, fields: ['bk_set_id'] },
    });
    expect(set.status).toBe(502);
  });

  test('{} clears every fault', async () => {
    await sb.faults({ errorRate: 1 });
    await sb.faults({});
    expect((await bkFetch(sb.url, BIZ_SEARCH, { body: {} })).status).toBe(200);
  });

  test('malformedNext answers HTTP 200 application/json with truncated JSON', async () => {
    await sb.faults({ malformedNext: 1 });
    const res = await bkFetch(sb.url, BIZ_SEARCH, { body: {} });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.json).toBeUndefined();
    expect(res.text.startsWith('{"result":true')).toBe(true);
  });

  test('resetNext destroys the connection without an answer', async () => {
    await sb.faults({ resetNext: 1 });
    await expect(bkFetch(sb.url, BIZ_SEARCH, { body: {} })).rejects.toThrow();
    expect((await bkFetch(sb.url, BIZ_SEARCH, { body: {} })).status).toBe(200);
  });

  test('hangNext never answers until the client gives up', async () => {
    await sb.faults({ hangNext: 1 });
    const controller = new AbortController();
    const call = bkFetch(sb.url, BIZ_SEARCH, { body: {}, signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expect(call).rejects.toThrow(/abort/i);
    expect((await bkFetch(sb.url, BIZ_SEARCH, { body: {} })).status).toBe(200);
  });

  test('rateLimitPerSec answers APIGW 429 1642903 with the rate-limit headers', async () => {
    await sb.faults({ rateLimitPerSec: 2, retryAfterSeconds: 3 });
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await bkFetch(sb.url, BIZ_SEARCH, { body: {} }));
    const limited = results.filter((r) => r.status === 429);
    // At most 2 pass per one-second window; 5 quick calls span at most two windows.
    expect(limited.length).toBeGreaterThanOrEqual(1);
    const r = limited[0]!;
    expect(r.json).toEqual({
      code_name: 'RATE_LIMIT_RESTRICTION',
      message: 'API rate limit exceeded by resource strategy',
      result: false,
      data: null,
      code: 1642903,
    });
    expect(r.headers.get('x-bkapi-ratelimit-limit')).toBe('2');
    expect(r.headers.get('x-bkapi-ratelimit-remaining')).toBe('0');
    expect(Number(r.headers.get('x-bkapi-ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    expect(r.headers.get('x-bkapi-ratelimit-plugin')).toBe('bk-rate-limit');
    expect(r.headers.get('retry-after')).toBe('3');
  });

  test('rateLimitPerSec answers ESB 1306429 Access frequency limit', async () => {
    await sb.faults({ rateLimitPerSec: 1 });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await bkFetch(sb.url, ESB_BIZ_SEARCH, { body: {} }));
    const limited = results.find((r) => r.json?.code === 1306429);
    expect(limited?.status).toBe(200);
    expect(limited?.json).toMatchObject({ result: false, message: 'Access frequency limit' });
  });

  test('faults never apply to control endpoints', async () => {
    await sb.faults({ errorRate: 1, rateLimitPerSec: 1 });
    for (let i = 0; i < 3; i++) expect((await fetch(`${sb.url}/_sandbox/stats`)).status).toBe(200);
  });

  test('rejects unknown fault keys and bad values with 400', async () => {
    let res = await fetch(`${sb.url}/_sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ errorRat: 1, latencyMs: -1 }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string };
    expect(body.error).toContain('errorRat');
    expect(body.error).toContain('latencyMs');
    res = await fetch(`${sb.url}/_sandbox/faults`, { method: 'POST', body: '{nope' });
    expect(res.status).toBe(400);
    const current = (await (await fetch(`${sb.url}/_sandbox/faults`)).json()) as {
      help: Record<string, string>;
    };
    expect(Object.keys(current.help)).toEqual(
      expect.arrayContaining(['latencyMs', 'failNext', 'apis', 'resetNext']),
    );
  });
});
