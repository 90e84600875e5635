import { createJobCallbackHandler, startJobPoller } from '../../src/services/jobs';
import type { ScriptExecution, StartedJob } from '../../src/services/jobs';
import type { Job } from '../../src/store';
import { startTestSandbox } from '../helpers/sandbox';
import type { TestSandbox } from '../helpers/sandbox';
import { liveHosts } from '../sandbox/job-support';
import { randomSchema } from '../store/fixture';
import {
  captureLogger,
  eventually,
  openStoreRetrying,
  sandboxControl,
  startJobsHarness,
  userActor,
} from './jobs.harness';
import type { Json, JobsHarness } from './jobs.harness';

/**
 * POST /callbacks/job on a real Fastify, called back by the sandbox's JOB (its callback_url is
 * this Fastify's URL) or by the test as JOB would. No poller runs unless a test starts one, so
 * what the store holds came from callbacks.
 */

const BIZ = '2';
let sb: TestSandbox;
let h: JobsHarness;
let script: ScriptExecution;

beforeAll(async () => {
  sb = await startTestSandbox({ jobMs: 40 });
  h = await startJobsHarness({ kind: 'postgres', schema: randomSchema('jobs_callback'), sandbox: sb });
  const hosts = (await liveHosts(sb.url, 2, 2)).map((x) => String(x.bk_host_id));
  script = {
    kind: 'script',
    bizId: BIZ,
    script: 'echo called back',
    language: 'SHELL',
    accountAlias: 'root',
    hostIds: hosts,
  };
});
afterAll(async () => {
  await h.close();
  await sb.close();
});
beforeEach(async () => {
  await sandboxControl(sb.url, 'POST', '/job/callbacks', {});
});

const instance = (started: StartedJob): Promise<Json> =>
  sandboxControl(sb.url, 'GET', `/job/instances/${started.jobInstanceId}`);

/** Runs a job whose callback JOB loses, and answers JOB's record of it once it finished. */
async function lostCallback(): Promise<{ started: StartedJob; record: Json }> {
  await sandboxControl(sb.url, 'POST', '/job/callbacks', { dropNext: 1 });
  const started = await h.service.launch(userActor(), script);
  const record = await eventually(async () => {
    const r = await instance(started);
    return r.finished && r.callback.state === 'dropped' ? r : null;
  });
  return { started, record };
}

/** The JSON text JOB posts (CONTRACTS.md §4.6), from its own record of the instance. */
function callbackOf(record: Json, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    job_instance_id: record.job_instance_id,
    status: record.status,
    step_instance_list: record.steps.map((s: Json) => ({
      step_instance_id: s.step_instance_id,
      status: s.status,
    })),
    ...overrides,
  };
}

async function post(url: string, body: string, contentType: string): Promise<{ status: number; json: Json }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: res.status, json: await res.json() };
}

const inbox = async (jobInstanceId: string | null = null) =>
  h.store.db
    .selectFrom('job_callbacks')
    .selectAll()
    .$if(jobInstanceId !== null, (qb) => qb.where('job_instance_id', '=', jobInstanceId))
    .orderBy('id')
    .execute();
const inboxCount = async () => (await inbox()).length;
const stored = async (started: StartedJob): Promise<Job> => (await h.store.jobs.get(started.id)) as Job;

describe('JOB callbacks', () => {
  it('applies the JSON callback JOB sends when the job ends, with the inbox row written', async () => {
    const started = await h.service.launch(userActor(), script);
    const job = await eventually(async () => ((await stored(started)).finished ? stored(started) : null));
    const record = await instance(started);
    expect(record.callback).toEqual({
      state: 'delivered',
      attempts: [{ content_type: 'application/json', status: 200 }],
    });
    expect(job.status).toBe(record.status);
    expect(job.steps).toEqual(
      record.steps.map((s: Json) => ({ stepInstanceId: String(s.step_instance_id), status: s.status })),
    );
    const rows = await inbox(started.jobInstanceId);
    expect(rows.map((r) => [r.outcome, r.content_type])).toEqual([['applied', 'application/json']]);
    expect(h.published.at(-1)).toEqual({
      topic: `job:${BIZ}:${started.jobInstanceId}`,
      payload: { jobId: started.id, version: job.version },
    });
  });

  it('applies JOB’s form-encoded retry, which carries the JSON text', async () => {
    const { started, record } = await lostCallback();
    const res = await post(
      record.callback_url,
      JSON.stringify(callbackOf(record)),
      'application/x-www-form-urlencoded',
    );
    expect(res).toEqual({ status: 200, json: { result: true, code: 0 } });
    expect(await stored(started)).toMatchObject({ finished: true, status: record.status });
    expect((await inbox(started.jobInstanceId)).map((r) => r.outcome)).toEqual(['applied']);
  });

  it('applies a callback of real form pairs with step_instance_list JSON-encoded', async () => {
    const { started, record } = await lostCallback();
    const body = callbackOf(record);
    const form = new URLSearchParams({
      job_instance_id: String(body.job_instance_id),
      status: String(body.status),
      step_instance_list: JSON.stringify(body.step_instance_list),
    });
    const res = await post(record.callback_url, form.toString(), 'application/x-www-form-urlencoded');
    expect(res.status).toBe(200);
    expect(await stored(started)).toMatchObject({ finished: true, status: record.status });
  });

  it('answers a repeat 200 and changes nothing', async () => {
    const { started, record } = await lostCallback();
    const text = JSON.stringify(callbackOf(record));
    expect((await post(record.callback_url, text, 'application/json')).status).toBe(200);
    const first = await stored(started);
    expect((await post(record.callback_url, text, 'application/json')).status).toBe(200);
    expect((await stored(started)).version).toBe(first.version);
    expect((await inbox(started.jobInstanceId)).map((r) => r.outcome)).toEqual(['applied', 'duplicate']);
  });

  it('never moves a finished job back', async () => {
    const { started, record } = await lostCallback();
    await post(record.callback_url, JSON.stringify(callbackOf(record)), 'application/json');
    const done = await stored(started);
    const running = callbackOf(record, {
      status: 2,
      step_instance_list: record.steps.map((s: Json) => ({
        step_instance_id: s.step_instance_id,
        status: 2,
      })),
    });
    expect((await post(record.callback_url, JSON.stringify(running), 'application/json')).status).toBe(200);
    expect(await stored(started)).toMatchObject({
      finished: true,
      status: done.status,
      version: done.version,
    });
  });

  it('refuses malformed bodies with 400 and stores none of them', async () => {
    const { record } = await lostCallback();
    const before = await inboxCount();
    const bodies: Array<[string, string]> = [
      ['not json at all', 'application/json'],
      ['[1, 2, 3]', 'application/json'],
      [JSON.stringify({ status: 3, step_instance_list: [] }), 'application/json'],
      [JSON.stringify(callbackOf(record, { job_instance_id: 'abc' })), 'application/json'],
      [JSON.stringify(callbackOf(record, { status: 'done' })), 'application/json'],
      [
        JSON.stringify(callbackOf(record, { step_instance_list: [{ step_instance_id: 1 }] })),
        'application/json',
      ],
      ['job_instance_id=1&status=3', 'application/x-www-form-urlencoded'],
      ['job_instance_id=1&status=3&step_instance_list=%5Bnot-json', 'application/x-www-form-urlencoded'],
    ];
    for (const [body, type] of bodies) {
      const res = await post(record.callback_url, body, type);
      expect({ body, status: res.status, code: res.json.code }).toEqual({ body, status: 400, code: 400 });
    }
    expect(await inboxCount()).toBe(before);
  });

  it('refuses a body over 64 KiB with 413 and stores nothing', async () => {
    const { record } = await lostCallback();
    const before = await inboxCount();
    const huge = JSON.stringify(callbackOf(record, { padding: 'x'.repeat(70 * 1024) }));
    expect((await post(record.callback_url, huge, 'application/json')).status).toBe(413);
    expect(await inboxCount()).toBe(before);
  });

  it('answers 200 for a job bk-graph does not know, applies nothing, keeps it as unknown_job', async () => {
    const res = await post(
      `${h.publicUrl}/callbacks/job?token=not-a-token`,
      JSON.stringify({ job_instance_id: 987654321, status: 3, step_instance_list: [] }),
      'application/json',
    );
    expect(res).toEqual({ status: 200, json: { result: true, code: 0 } });
    expect(await h.store.jobs.findByInstance('987654321')).toBeNull();
    expect((await inbox('987654321')).map((r) => r.outcome)).toEqual(['unknown_job']);
    expect(h.lines.some((l) => l.level === 'warn' && /did not start/.test(l.msg))).toBe(true);
  });

  it('refuses with 403 a token of one job with the body of another (forged)', async () => {
    const a = await lostCallback();
    const b = await lostCallback();
    const before = await stored(b.started);
    const res = await post(a.record.callback_url, JSON.stringify(callbackOf(b.record)), 'application/json');
    expect(res.status).toBe(403);
    expect(await stored(b.started)).toEqual(before);
    expect((await stored(a.started)).finished).toBe(false);
    expect((await inbox(b.started.jobInstanceId)).map((r) => r.outcome)).toEqual(['forged']);
  });

  it('does not trust a callback without a valid token about a job it knows: polls it instead', async () => {
    const { started, record } = await lostCallback();
    for (const url of [`${h.publicUrl}/callbacks/job`, `${h.publicUrl}/callbacks/job?token=wrong`]) {
      const res = await post(url, JSON.stringify(callbackOf(record)), 'application/json');
      expect(res.status).toBe(200);
    }
    const job = await stored(started);
    expect(job.finished).toBe(false);
    expect(job.nextPollAt?.getTime()).toBeLessThanOrEqual(Date.now());
    expect((await inbox(started.jobInstanceId)).map((r) => r.outcome)).toEqual(['unverified', 'unverified']);
  });

  it('answers 503 when the store is down, so JOB records a failure', async () => {
    // A second connection to the same schema, closed: the store as a process sees it when it is gone.
    const dead = await openStoreRetrying('postgres', h.store.schema);
    await dead.close();
    try {
      const handler = createJobCallbackHandler({
        store: dead,
        events: h.events,
        logger: captureLogger().logger,
      });
      const answer = await handler({
        contentType: 'application/json',
        body: JSON.stringify({ job_instance_id: 1, status: 3, step_instance_list: [] }),
        query: { token: 'whatever' },
      });
      expect(answer.status).toBe(503);
    } finally {
      await dead.close();
    }
  });

  it('repairs a job whose callback was lost by polling it', async () => {
    const { started, record } = await lostCallback();
    expect((await stored(started)).finished).toBe(false);
    const { logger } = captureLogger();
    const poller = startJobPoller({
      store: h.store,
      clients: h.clients,
      events: h.events,
      logger,
      holder: 'repair',
      intervals: { tickMs: 20, firstMs: 20, maxMs: 40 },
    });
    try {
      // Due since the launch's first-poll time (1 s by default): make it due now.
      await poller.pollNow(started.id);
      const job = await eventually(async () => ((await stored(started)).finished ? stored(started) : null));
      expect(job.status).toBe(record.status);
      expect(record.callback.state).toBe('dropped');
    } finally {
      await poller.stop();
    }
  });
});
