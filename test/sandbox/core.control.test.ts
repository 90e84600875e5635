import { RequestJournal } from '../../src/sandbox/journal';
import { bkFetch, startTestSandbox } from '../helpers/sandbox';
import type { TestSandbox } from '../helpers/sandbox';

const BIZ_SEARCH = '/api/bk-cmdb/prod/api/v3/biz/search/0';
const HOSTS = (biz: number) => `/api/bk-cmdb/prod/api/v3/hosts/app/${biz}/list_hosts`;
const ALL_HOST_FIELDS = [
  'bk_host_id',
  'bk_host_innerip',
  'bk_host_name',
  'bk_agent_id',
  'bk_os_type',
  'bk_cloud_id',
];

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(() => sb.close());

describe('request journal', () => {
  test('GET /_sandbox/requests lists the calls since the last reset in order, paths and bodies as sent', async () => {
    await sb.reset();
    const body = { bk_biz_id: 2, page: { start: 0, limit: 10 }, fields: ['bk_host_id'] };
    await bkFetch(sb.url, HOSTS(2), { body });
    await bkFetch(sb.url, BIZ_SEARCH, { body: {} });
    const res = await fetch(`${sb.url}/_sandbox/requests`);
    expect(res.status).toBe(200);
    const journal = (await res.json()) as {
      requests: { receivedMs: number; answeredMs: number }[];
      dropped: number;
    };
    expect(journal).toEqual({
      requests: [
        {
          api: 'cmdb.list_biz_hosts',
          transport: 'apigw',
          method: 'POST',
          path: HOSTS(2),
          body: JSON.stringify(body),
          receivedMs: expect.any(Number),
          answeredMs: expect.any(Number),
        },
        {
          api: 'cmdb.search_business',
          transport: 'apigw',
          method: 'POST',
          path: BIZ_SEARCH,
          body: '{}',
          receivedMs: expect.any(Number),
          answeredMs: expect.any(Number),
        },
      ],
      dropped: 0,
    });
    // Sequential calls: each answered after it arrived, the second arriving after the first answered.
    const [first, second] = journal.requests;
    expect(first!.answeredMs).toBeGreaterThanOrEqual(first!.receivedMs);
    expect(second!.receivedMs).toBeGreaterThanOrEqual(first!.answeredMs);
  });

  test('keeps no credentials: ESB secrets in query strings and bodies are masked', async () => {
    await sb.reset();
    await bkFetch(sb.url, '/api/c/compapi/v2/cc/search_business/', { body: { condition: {} } });
    await bkFetch(sb.url, '/api/c/compapi/v2/bk_login/is_login/', { method: 'GET', query: { lang: 'en' } });
    const { requests } = (await (await fetch(`${sb.url}/_sandbox/requests`)).json()) as {
      requests: { path: string; body: string | null }[];
    };
    expect(requests).toHaveLength(2);
    const text = JSON.stringify(requests);
    expect(text).not.toContain('token-admin');
    expect(text).not.toContain('sandbox-secret');
    expect(JSON.parse(requests[0]!.body!)).toMatchObject({
      bk_app_secret: '***',
      bk_token: '***',
      condition: {},
    });
    expect(new URL(requests[1]!.path, 'http://x').searchParams.get('bk_token')).toBe('***');
    expect(new URL(requests[1]!.path, 'http://x').searchParams.get('lang')).toBe('en');
  });

  test('keeps the newest calls within its count and body-size bounds, counting what it dropped', () => {
    const journal = new RequestJournal(3, 10);
    const call = (n: number, body: string | null) => ({
      api: 'cmdb.search_business',
      transport: 'apigw' as const,
      method: 'POST',
      path: `/p/${n}`,
      body,
      receivedMs: n,
      answeredMs: null,
    });
    for (let n = 1; n <= 5; n++) journal.record(call(n, null));
    expect(journal.snapshot().requests.map((r) => r.path)).toEqual(['/p/3', '/p/4', '/p/5']);
    expect(journal.snapshot().dropped).toBe(2);
    journal.record(call(6, '{"a":"12345"}')); // 13 bytes: over the body bound on its own
    expect(journal.snapshot().requests.map((r) => r.path)).toEqual(['/p/6']);
    expect(journal.snapshot().dropped).toBe(5);
  });

  test('reset empties the journal', async () => {
    await bkFetch(sb.url, BIZ_SEARCH, { body: {} });
    await sb.reset();
    const journal = await (await fetch(`${sb.url}/_sandbox/requests`)).json();
    expect(journal).toEqual({ requests: [], dropped: 0 });
  });
});

describe('stats and reset', () => {
  test('counts every matched call, including ones that fail auth or validation', async () => {
    await sb.reset();
    await bkFetch(sb.url, BIZ_SEARCH, { body: {} });
    await bkFetch(sb.url, BIZ_SEARCH, { body: {}, auth: null });
    await bkFetch(sb.url, '/api/c/compapi/v2/cc/list_biz_hosts/', { body: { bk_biz_id: 2 } });
    await bkFetch(sb.url, '/api/bk-cmdb/prod/api/v3/unknown', { body: {} });
    expect(await sb.stats()).toEqual({
      calls: { 'cmdb.search_business': 2, 'cmdb.list_biz_hosts': 1 },
      total: 3,
    });
  });

  test('POST /_sandbox/reset zeroes the counters', async () => {
    await bkFetch(sb.url, BIZ_SEARCH, { body: {} });
    await sb.reset();
    expect(await sb.stats()).toEqual({ calls: {}, total: 0 });
  });

  test('reset?data=1 re-seeds data changed through the control routes', async () => {
    const before = await bkFetch(sb.url, BIZ_SEARCH, { body: { condition: { bk_biz_id: 2 } } });
    const res = await fetch(`${sb.url}/_sandbox/cmdb/businesses/2`, {
      method: 'POST',
      body: JSON.stringify({ bk_biz_name: 'renamed' }),
    });
    expect(res.status).toBe(200);
    const changed = await bkFetch(sb.url, BIZ_SEARCH, { body: { condition: { bk_biz_id: 2 } } });
    expect(changed.json.data.info[0].bk_biz_name).toBe('renamed');
    await sb.reset(true);
    const after = await bkFetch(sb.url, BIZ_SEARCH, { body: { condition: { bk_biz_id: 2 } } });
    expect(after.json.data).toEqual(before.json.data);
  });

  test('the same seed gives the same data and another seed different data', async () => {
    const twin = await startTestSandbox();
    const other = await startTestSandbox({ seed: 8 });
    try {
      const body = { page: { start: 0, limit: 500 }, fields: ALL_HOST_FIELDS };
      const a = await bkFetch(sb.url, HOSTS(2), { body });
      const b = await bkFetch(twin.url, HOSTS(2), { body });
      const c = await bkFetch(other.url, HOSTS(2), { body });
      expect(a.json.data.count).toBeGreaterThan(0);
      expect(b.json.data).toEqual(a.json.data);
      expect(c.json.data).not.toEqual(a.json.data);
    } finally {
      await twin.close();
      await other.close();
    }
  });
});

describe('control endpoints', () => {
  test('reject bad input with 400 and unknown endpoints with 404', async () => {
    expect((await fetch(`${sb.url}/_sandbox/reset?data=maybe`, { method: 'POST' })).status).toBe(400);
    expect((await fetch(`${sb.url}/_sandbox/cmdb/hosts/1`, { method: 'POST', body: '[1,2]' })).status).toBe(
      400,
    );
    expect(
      (
        await fetch(`${sb.url}/_sandbox/cmdb/hosts/1`, {
          method: 'POST',
          body: JSON.stringify({ bk_cpu: 'many' }),
        })
      ).status,
    ).toBe(400);
    expect(
      (await fetch(`${sb.url}/_sandbox/cmdb/hosts/1`, { method: 'POST', body: JSON.stringify({ nope: 1 }) }))
        .status,
    ).toBe(400);
    expect(
      (
        await fetch(`${sb.url}/_sandbox/cmdb/hosts/999999`, {
          method: 'POST',
          body: JSON.stringify({ bk_cpu: 2 }),
        })
      ).status,
    ).toBe(404);
    const transfer = await fetch(`${sb.url}/_sandbox/cmdb/hosts/1/transfer`, {
      method: 'POST',
      body: JSON.stringify({ bk_module_ids: [] }),
    });
    expect(transfer.status).toBe(400);
    expect(((await transfer.json()) as { error: string }).error).toMatch(/bk_module_ids/);
    expect((await fetch(`${sb.url}/_sandbox/nothing`)).status).toBe(404);
  });

  test('the sandbox survives garbage on the socket', async () => {
    const { connect } = await import('node:net');
    const port = Number(new URL(sb.url).port);
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => socket.end('NOT HTTP AT ALL\r\n\r\n'));
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
      socket.resume();
    });
    expect((await bkFetch(sb.url, BIZ_SEARCH, { body: {} })).status).toBe(200);
  });
});
