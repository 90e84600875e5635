import type { Transport } from '../../src/upstream/limits';
import { UpstreamError } from '../../src/errors';
import { createUpstreamCaller } from '../../src/upstream/http/caller';
import type { UpstreamCallEvent, UpstreamCallerOptions } from '../../src/upstream/http/caller';
import {
  adminCtx,
  executeJobPlan,
  ok,
  searchBusiness,
  useFakeUpstream,
  upstreamConfig,
} from './fake-upstream';
import type { Reply } from './fake-upstream';

const fake = useFakeUpstream();
const { callers } = fake;

type Options = Omit<UpstreamCallerOptions, 'config'> & { timeoutMs?: number; transport?: Transport };

/** Small, deterministic backoffs so the file runs in a few seconds. */
function makeCaller({ timeoutMs = 2000, transport = 'apigw', ...options }: Options = {}) {
  const caller = createUpstreamCaller({
    config: upstreamConfig(fake.upstream.url, transport, { timeoutMs }),
    retry: { baseDelayMs: 10, maxDelayMs: 20, random: () => 0.5, ...options.retry },
    ...options,
  });
  callers.push(caller);
  return caller;
}

const biz = { path: { bk_supplier_account: '0' } };
const plan = { body: { bk_biz_id: 2, job_plan_id: 1 } };
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
const gateway502: Reply = {
  status: 502,
  json: { code: 1650200, code_name: 'BAD_GATEWAY', message: 'Bad Gateway', result: false, data: null },
};

describe.each(['apigw', 'esb'] as const)('timeouts and resets over %s', (transport) => {
  it('fails a hanging call as timeout when the per-attempt timeout passes', async () => {
    fake.upstream.setDefault('hang');
    const err = await rejection(
      makeCaller({ transport, timeoutMs: 150, retry: { maxAttempts: 1 } }).call(
        searchBusiness,
        biz,
        adminCtx,
      ),
    );
    expect([err.kind, err.extensions.code]).toEqual(['timeout', 'UPSTREAM_TIMEOUT']);
    expect(err.message).toBe('cmdb.search_business timed out (UND_ERR_HEADERS_TIMEOUT)');
  });

  it('fails a reset connection as network / UPSTREAM_UNAVAILABLE', async () => {
    fake.upstream.reply('reset');
    const err = await rejection(
      makeCaller({ transport, retry: { maxAttempts: 1 } }).call(searchBusiness, biz, adminCtx),
    );
    expect([err.kind, err.extensions.code]).toEqual(['network', 'UPSTREAM_UNAVAILABLE']);
  });

  it('retries a read after a reset and returns the second answer', async () => {
    fake.upstream.reply('reset', ok({ count: 7 }));
    await expect(makeCaller({ transport }).call(searchBusiness, biz, adminCtx)).resolves.toEqual({
      count: 7,
    });
    expect(fake.upstream.requests).toHaveLength(2);
  });
});

describe('retries', () => {
  it('retries a read after a 502 and succeeds on the second attempt', async () => {
    const events: UpstreamCallEvent[] = [];
    fake.upstream.reply(gateway502, ok({ count: 1 }));
    const data = await makeCaller({ onCall: (e) => events.push(e) }).call(searchBusiness, biz, adminCtx);
    expect(data).toEqual({ count: 1 });
    expect(fake.upstream.requests).toHaveLength(2);
    expect(events.map((e) => [e.attempt, e.status, e.outcome])).toEqual([
      [1, 502, 'gateway'],
      [2, 200, 'ok'],
    ]);
  });

  it('gives up after maxAttempts and reports the last failure', async () => {
    fake.upstream.setDefault(gateway502);
    const err = await rejection(
      makeCaller({ retry: { maxAttempts: 3 } }).call(searchBusiness, biz, adminCtx),
    );
    expect([err.kind, err.upstream.httpStatus]).toEqual(['gateway', 502]);
    expect(fake.upstream.requests).toHaveLength(3);
  });

  it('waits out a 429 for the Retry-After seconds before retrying', async () => {
    const waits: number[] = [];
    fake.upstream.reply(
      {
        status: 429,
        headers: { 'retry-after': '2' },
        json: { code: 1642903, code_name: 'RATE_LIMIT_RESTRICTION', message: 'rate limited' },
      },
      ok({ count: 3 }),
    );
    const caller = makeCaller({
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    await expect(caller.call(searchBusiness, biz, adminCtx)).resolves.toEqual({ count: 3 });
    expect(waits).toEqual([2000]);
    expect(fake.upstream.requests).toHaveLength(2);
  });

  it('really sleeps through a short Retry-After', async () => {
    fake.upstream.reply(
      { status: 429, headers: { 'x-bkapi-ratelimit-reset': '0.2' }, json: { code: 1642901 } },
      ok({ count: 4 }),
    );
    await expect(makeCaller().call(searchBusiness, biz, adminCtx)).resolves.toEqual({ count: 4 });
    expect(fake.upstream.requests).toHaveLength(2);
  });

  it('does not retry business errors or malformed bodies', async () => {
    fake.upstream.reply({ json: { result: false, code: 1199006, message: 'bad' } }, { raw: 'not json' });
    const caller = makeCaller();
    expect((await rejection(caller.call(searchBusiness, biz, adminCtx))).kind).toBe('business');
    expect((await rejection(caller.call(searchBusiness, biz, adminCtx))).kind).toBe('malformed');
    expect(fake.upstream.requests).toHaveLength(2);
  });

  it.each(['apigw', 'esb'] as const)('never retries a write over %s, even after a 502', async (transport) => {
    fake.upstream.setDefault(gateway502);
    const err = await rejection(makeCaller({ transport }).call(executeJobPlan, plan, adminCtx));
    expect(err.upstream.httpStatus).toBe(502);
    expect(fake.upstream.requests).toHaveLength(1);
  });

  it('never retries a write after a connection reset', async () => {
    fake.upstream.reply('reset', ok({ job_instance_id: 1 }));
    expect((await rejection(makeCaller().call(executeJobPlan, plan, adminCtx))).kind).toBe('network');
    expect(fake.upstream.requests).toHaveLength(1);
  });
});

describe('deadline', () => {
  it('starts no retry whose backoff would end past the deadline', async () => {
    // A virtual clock advanced only by backoff waits: attempt 1 at t=0, wait 990 ms, attempt 2 at
    // t=990, then a 1980 ms wait would end at 2970 > 2500, so no third attempt.
    let clock = 1_000_000;
    fake.upstream.setDefault(gateway502);
    const caller = makeCaller({
      now: () => clock,
      sleep: async (ms) => {
        clock += ms;
      },
      retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 10_000, random: () => 0.99 },
    });
    const err = await rejection(caller.call(searchBusiness, biz, { ...adminCtx, deadline: clock + 2500 }));
    expect(err.upstream.httpStatus).toBe(502);
    expect(fake.upstream.requests).toHaveLength(2);
  });

  it('makes no call at all once the deadline has passed', async () => {
    const err = await rejection(
      makeCaller().call(searchBusiness, biz, { ...adminCtx, deadline: Date.now() - 1 }),
    );
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe('cmdb.search_business did not answer before the request deadline');
    expect(fake.upstream.requests).toHaveLength(0);
  });

  it('cuts a hanging attempt at the deadline and does not retry it', async () => {
    fake.upstream.setDefault('hang');
    const caller = makeCaller({ timeoutMs: 10_000 });
    const err = await rejection(
      caller.call(searchBusiness, biz, { ...adminCtx, deadline: Date.now() + 200 }),
    );
    expect(err.kind).toBe('timeout');
    expect(err.message).toMatch(/deadline/);
    expect(fake.upstream.requests).toHaveLength(1);
  });

  it('stops when the caller cancels', async () => {
    fake.upstream.setDefault('hang');
    const controller = new AbortController();
    const pending = makeCaller().call(searchBusiness, biz, { ...adminCtx, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const err = await rejection(pending);
    expect([err.kind, err.message]).toEqual(['timeout', 'cmdb.search_business was cancelled']);
    expect(fake.upstream.requests).toHaveLength(1);
  });
});

describe('circuit breaker', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('opens when more than half of at least minimumCalls calls fail, fails fast without I/O, and closes after a good probe', async () => {
    const events: UpstreamCallEvent[] = [];
    const caller = makeCaller({
      retry: { maxAttempts: 1 },
      breaker: { threshold: 0.5, minimumCalls: 4, windowMs: 2000, halfOpenAfterMs: 200 },
      onCall: (e) => events.push(e),
    });
    fake.upstream.setDefault(gateway502);
    for (let i = 0; i < 3; i++) await rejection(caller.call(searchBusiness, biz, adminCtx));
    // Three failures are below the minimum volume: a quiet system is not shed for a few errors.
    expect(caller.health().cmdb).toBe('closed');
    await rejection(caller.call(searchBusiness, biz, adminCtx));
    expect(caller.health().cmdb).toBe('open');
    expect(caller.health().job).toBe('closed');

    const fast = await rejection(caller.call(searchBusiness, biz, adminCtx));
    expect([fast.kind, fast.extensions.code]).toEqual(['unavailable', 'UPSTREAM_UNAVAILABLE']);
    expect(fake.upstream.requests).toHaveLength(4);
    expect(events.at(-1)?.outcome).toBe('unavailable');

    await sleep(250);
    fake.upstream.setDefault(ok({ count: 5 }));
    await expect(caller.call(searchBusiness, biz, adminCtx)).resolves.toEqual({ count: 5 });
    expect(caller.health().cmdb).toBe('closed');
    expect(fake.upstream.requests).toHaveLength(5);
  });

  it('stays closed while failures are a minority of the calls', async () => {
    const caller = makeCaller({
      retry: { maxAttempts: 1 },
      breaker: { threshold: 0.5, minimumCalls: 4, windowMs: 5000 },
    });
    // One call in three fails: 33% is below the 50% threshold however many calls there are.
    fake.upstream.setDefault(ok({}));
    for (let i = 0; i < 30; i++) {
      if (i % 3 === 0) fake.upstream.reply(gateway502);
      await caller.call(searchBusiness, biz, adminCtx).catch(() => undefined);
    }
    expect(caller.health().cmdb).toBe('closed');
  });

  it('opens again when the half-open probe fails', async () => {
    const caller = makeCaller({
      retry: { maxAttempts: 1 },
      breaker: { minimumCalls: 2, windowMs: 2000, halfOpenAfterMs: 200 },
    });
    fake.upstream.setDefault('reset');
    for (let i = 0; i < 2; i++) await rejection(caller.call(searchBusiness, biz, adminCtx));
    await sleep(250);
    expect((await rejection(caller.call(searchBusiness, biz, adminCtx))).kind).toBe('network');
    expect(caller.health().cmdb).toBe('open');
    expect((await rejection(caller.call(searchBusiness, biz, adminCtx))).kind).toBe('unavailable');
    expect(fake.upstream.requests).toHaveLength(3);
  });

  it('counts a read once, after its retries: failures that a retry absorbed never open the circuit', async () => {
    const caller = makeCaller({
      retry: { maxAttempts: 3, baseDelayMs: 1 },
      breaker: { minimumCalls: 2, windowMs: 5000 },
    });
    for (let i = 0; i < 5; i++) {
      fake.upstream.reply(gateway502, gateway502, ok({ n: i }));
      await expect(caller.call(searchBusiness, biz, adminCtx)).resolves.toEqual({ n: i });
    }
    expect(fake.upstream.requests).toHaveLength(15);
    expect(caller.health().cmdb).toBe('closed');
  });

  it('is not opened by business errors, auth errors or 4xx answers', async () => {
    const caller = makeCaller({ retry: { maxAttempts: 1 }, breaker: { minimumCalls: 2, windowMs: 5000 } });
    fake.upstream.reply(
      { json: { result: false, code: 1199006, message: 'bad' } },
      { status: 403, json: { code: 1640301, code_name: 'APP_NO_PERMISSION', message: 'no' } },
      {
        status: 400,
        json: { code: 1640001, code_name: 'INVALID_ARGS', message: 'bk_app_secret is incorrect' },
      },
      { status: 404, json: { code: 1640401, code_name: 'API_NOT_FOUND', message: 'not found' } },
    );
    for (let i = 0; i < 4; i++) await rejection(caller.call(searchBusiness, biz, adminCtx));
    expect(caller.health().cmdb).toBe('closed');
    await expect(caller.call(searchBusiness, biz, adminCtx)).resolves.toEqual({});
  });
});

describe('in-flight bound', () => {
  it('keeps at most maxInFlightPerSystem requests of one system on the wire', async () => {
    fake.upstream.setDefault({ json: { result: true, data: {} }, delayMs: 50 });
    const caller = makeCaller({ maxInFlightPerSystem: 2 });
    await Promise.all(Array.from({ length: 6 }, () => caller.call(searchBusiness, biz, adminCtx)));
    expect(fake.upstream.requests).toHaveLength(6);
    expect(fake.upstream.maxConcurrent()).toBe(2);
  });

  it('gives up waiting for a slot when the deadline passes, without calling', async () => {
    fake.upstream.reply('hang');
    const caller = makeCaller({ maxInFlightPerSystem: 1, timeoutMs: 10_000 });
    const blocker = rejection(caller.call(searchBusiness, biz, { ...adminCtx, deadline: Date.now() + 400 }));
    const queued = await rejection(
      caller.call(searchBusiness, biz, { ...adminCtx, deadline: Date.now() + 100 }),
    );
    expect(queued.message).toMatch(/deadline/);
    expect(fake.upstream.requests).toHaveLength(1);
    expect((await blocker).kind).toBe('timeout');
  });
});
