import type { Transport } from '../../src/upstream/limits';
import { UpstreamError } from '../../src/errors';
import { createUpstreamCaller } from '../../src/upstream/http/caller';
import type {
  UpstreamCallEvent,
  UpstreamCallerOptions,
  UpstreamHttpCaller,
} from '../../src/upstream/http/caller';
import type { ApiSpec, CallContext } from '../../src/upstream/types';
import { startTestSandbox } from '../helpers/sandbox';
import type { TestSandbox } from '../helpers/sandbox';
import { adminCtx, executeJobPlan, searchBusiness, upstreamConfig } from './fake-upstream';

/** The same behaviours as the other http.* files, against the sandbox's own BlueKing contracts. */
let sandbox: TestSandbox;
const callers: UpstreamHttpCaller[] = [];

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterEach(async () => {
  await sandbox.faults({});
  await sandbox.reset();
});
afterAll(async () => {
  await Promise.all(callers.map((c) => c.close()));
  await sandbox.close();
});

const listBizHosts: ApiSpec = {
  system: 'cmdb',
  api: 'list_biz_hosts',
  apigw: { gateway: 'bk-cmdb', method: 'POST', path: '/api/v3/hosts/app/{bk_biz_id}/list_hosts' },
  esb: { system: 'cc', name: 'list_biz_hosts', method: 'POST' },
  idempotent: true,
  envelope: 'bk',
};
const biz = { path: { bk_supplier_account: '0' }, body: { page: { start: 0, limit: 10 } } };
const plan = { body: { bk_biz_id: 2, job_plan_id: 1 } };
const as = (bkToken: string): CallContext => ({
  credentials: { kind: 'bk_token', bkToken },
  requestId: 'sb-test',
});

const rejection = (p: Promise<unknown>): Promise<UpstreamError> =>
  p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(UpstreamError);
      return e as UpstreamError;
    },
  );

/**
 * The sandbox limits in fixed one-second windows; starting a burst just after a window begins keeps
 * two back-to-back calls inside one window.
 */
async function startOfRateWindow(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 10));
}

async function callsOf(api: string): Promise<number> {
  return (await sandbox.stats()).calls[api] ?? 0;
}

describe.each(['apigw', 'esb'] as const)('against the sandbox over %s', (transport: Transport) => {
  const makeCaller = (options: Omit<UpstreamCallerOptions, 'config'> & { timeoutMs?: number } = {}) => {
    const { timeoutMs = 2000, ...rest } = options;
    const caller = createUpstreamCaller({
      config: upstreamConfig(sandbox.url, transport, { timeoutMs }),
      ...rest,
      retry: { baseDelayMs: 10, maxDelayMs: 20, random: () => 0.5, ...rest.retry },
    });
    callers.push(caller);
    return caller;
  };

  it('reads businesses as admin', async () => {
    const data = await makeCaller().call<{ count: number; info: unknown[] }>(searchBusiness, biz, adminCtx);
    expect(data.count).toBeGreaterThan(0);
    expect(data.info.length).toBeGreaterThan(0);
    expect(await callsOf('cmdb.search_business')).toBe(1);
  });

  it('maps a wrong app secret to auth', async () => {
    const caller = createUpstreamCaller({
      config: { ...upstreamConfig(sandbox.url, transport), appSecret: 'wrong' },
    });
    callers.push(caller);
    const err = await rejection(caller.call(searchBusiness, biz, adminCtx));
    expect([err.kind, err.extensions.code]).toEqual(['auth', 'UNAUTHENTICATED']);
    expect(err.upstream.code).toBe(transport === 'apigw' ? 1640001 : 1306000);
    expect(err.upstream.requestId).toEqual(expect.any(String));
    expect(err.message).not.toContain('wrong');
  });

  it('maps an unknown bk_token to auth', async () => {
    expect((await rejection(makeCaller().call(searchBusiness, biz, as('token-nobody')))).kind).toBe('auth');
  });

  it('maps a page above the documented limit to a business error', async () => {
    const err = await rejection(
      makeCaller().call(searchBusiness, { ...biz, body: { page: { start: 0, limit: 201 } } }, adminCtx),
    );
    expect([err.kind, err.upstream.code]).toEqual(['business', 1199006]);
  });

  it('maps an IAM denial to permission with the permission object', async () => {
    const err = await rejection(
      makeCaller().call(
        listBizHosts,
        {
          path: { bk_biz_id: 2 },
          body: { bk_biz_id: 2, page: { start: 0, limit: 10 }, fields: ['bk_host_id'] },
        },
        as('token-bob'),
      ),
    );
    expect([err.kind, err.extensions.code, err.upstream.code]).toEqual(['permission', 'FORBIDDEN', 9900403]);
    expect(err.extra.permission?.system_id).toBe('bk_cmdb');
    expect(err.extra.permission?.actions?.length).toBeGreaterThan(0);
  });

  it('retries a read after a 502 and succeeds (two calls upstream)', async () => {
    await sandbox.faults({ apis: ['cmdb.search_business'], failNext: 1 });
    await makeCaller().call(searchBusiness, biz, adminCtx);
    expect(await callsOf('cmdb.search_business')).toBe(2);
  });

  it('never retries a write, even after a 502 (one call upstream)', async () => {
    await sandbox.faults({ apis: ['job.execute_job_plan'], failNext: 1 });
    const err = await rejection(makeCaller().call(executeJobPlan, plan, adminCtx));
    expect([err.kind, err.upstream.httpStatus]).toEqual(['gateway', 502]);
    expect(await callsOf('job.execute_job_plan')).toBe(1);
  });

  it('fails a hang as timeout at the per-attempt timeout', async () => {
    await sandbox.faults({ apis: ['cmdb.search_business'], hangNext: 1 });
    const err = await rejection(
      makeCaller({ timeoutMs: 300, retry: { maxAttempts: 1 } }).call(searchBusiness, biz, adminCtx),
    );
    expect(err.kind).toBe('timeout');
  });

  it('fails a connection reset as network', async () => {
    await sandbox.faults({ apis: ['cmdb.search_business'], resetNext: 1 });
    const err = await rejection(
      makeCaller({ retry: { maxAttempts: 1 } }).call(searchBusiness, biz, adminCtx),
    );
    expect(err.kind).toBe('network');
  });

  it('maps truncated JSON to malformed and does not retry it', async () => {
    await sandbox.faults({ apis: ['cmdb.search_business'], malformedNext: 1 });
    expect((await rejection(makeCaller().call(searchBusiness, biz, adminCtx))).kind).toBe('malformed');
    expect(await callsOf('cmdb.search_business')).toBe(1);
  });

  it('starts no retry whose backoff would end past the deadline', async () => {
    await sandbox.faults({ apis: ['cmdb.search_business'], failNext: 10 });
    let clock = 1_000_000;
    const caller = makeCaller({
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
      retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 10_000, random: () => 0.99 },
    });
    await rejection(caller.call(searchBusiness, biz, { ...adminCtx, deadline: clock + 2500 }));
    expect(await callsOf('cmdb.search_business')).toBe(2);
  });

  it('opens the breaker when most calls of a busy window fail with 5xx, fails fast without calling, and recovers after half-open', async () => {
    const caller = makeCaller({
      retry: { maxAttempts: 1 },
      breaker: { minimumCalls: 3, windowMs: 2000, halfOpenAfterMs: 200 },
    });
    await sandbox.faults({ apis: ['cmdb.search_business'], failNext: 3 });
    for (let i = 0; i < 3; i++) await rejection(caller.call(searchBusiness, biz, adminCtx));
    expect(caller.health().cmdb).toBe('open');
    const fast = await rejection(caller.call(searchBusiness, biz, adminCtx));
    expect(fast.extensions.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(await callsOf('cmdb.search_business')).toBe(3);
    await new Promise((r) => setTimeout(r, 250));
    await caller.call(searchBusiness, biz, adminCtx);
    expect(caller.health().cmdb).toBe('closed');
    expect(await callsOf('cmdb.search_business')).toBe(4);
  });
});

describe('rate limits against the sandbox', () => {
  it('waits out an APIGW 429 for its Retry-After and then succeeds', async () => {
    const events: UpstreamCallEvent[] = [];
    const waits: number[] = [];
    const caller = createUpstreamCaller({
      config: upstreamConfig(sandbox.url, 'apigw'),
      onCall: (e) => events.push(e),
      sleep: (ms) => {
        waits.push(ms);
        return new Promise((r) => setTimeout(r, ms));
      },
    });
    callers.push(caller);
    await sandbox.faults({ apis: ['cmdb.search_business'], rateLimitPerSec: 1, retryAfterSeconds: 1 });
    await startOfRateWindow();
    await caller.call(searchBusiness, biz, adminCtx);
    await caller.call(searchBusiness, biz, adminCtx);
    expect(waits).toEqual([1000]);
    expect(events.map((e) => e.outcome)).toEqual(['ok', 'rate_limit', 'ok']);
  });

  it('maps an ESB 1306429 to rate_limit', async () => {
    const caller = createUpstreamCaller({
      config: upstreamConfig(sandbox.url, 'esb'),
      retry: { maxAttempts: 1 },
    });
    callers.push(caller);
    await sandbox.faults({ apis: ['cmdb.search_business'], rateLimitPerSec: 1 });
    await startOfRateWindow();
    await caller.call(searchBusiness, biz, adminCtx);
    const err = await rejection(caller.call(searchBusiness, biz, adminCtx));
    expect([err.kind, err.extensions.code, err.upstream.code]).toEqual([
      'rate_limit',
      'RATE_LIMITED',
      1306429,
    ]);
  });
});
