import { randomUUID } from 'node:crypto';
import { startJobPoller } from '../../src/services/jobs';
import type { ExecutionRequest, JobPoller, PollEvent, StartedJob } from '../../src/services/jobs';
import { startTestSandbox } from '../helpers/sandbox';
import type { TestSandbox } from '../helpers/sandbox';
import { liveHosts } from '../sandbox/job-support';
import { randomSchema } from '../store/fixture';
import {
  captureLogger,
  eventually,
  planFixture,
  sandboxControl,
  startJobsHarness,
  userActor,
} from './jobs.harness';
import type { JobsHarness } from './jobs.harness';

/**
 * Two bk-graph processes on one Postgres: two harnesses, each with its own store connection pool,
 * event bus, Fastify and services, over one schema.
 */

const BIZ = '2';
let sb: TestSandbox;
let a: JobsHarness;
let b: JobsHarness;
let hosts: string[];
let planRequest: ExecutionRequest;

beforeAll(async () => {
  sb = await startTestSandbox({ jobMs: 100 });
  const schema = randomSchema('jobs_two');
  a = await startJobsHarness({ kind: 'postgres', schema, sandbox: sb, service: { firstPollMs: 10 } });
  b = await startJobsHarness({ kind: 'postgres', schema, sandbox: sb, service: { firstPollMs: 10 } });
  hosts = (await liveHosts(sb.url, 2, 2)).map((x) => String(x.bk_host_id));
  const plan = await planFixture(a.clients, BIZ);
  planRequest = {
    kind: 'plan',
    bizId: BIZ,
    planId: plan.planId,
    variables: plan.hostVarId ? [{ id: plan.hostVarId, hostIds: hosts }] : [],
  };
});
afterAll(async () => {
  await b.close({ drop: false });
  await a.close();
  await sb.close();
});
beforeEach(async () => {
  await sb.faults({});
  await sb.reset();
});

describe('two processes sharing one Postgres', () => {
  it('make one JOB call for 20 concurrent duplicates of one key, and all get the same job', async () => {
    // A slow JOB keeps the first call in flight while the others arrive.
    await sb.faults({ apis: ['job.execute_job_plan'], latencyMs: 300 });
    const key = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? a : b).service.launch(userActor(), planRequest, { idempotencyKey: key }),
      ),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(new Set(results.map((r) => r.jobInstanceId)).size).toBe(1);
    expect((await sb.stats()).calls['job.execute_job_plan']).toBe(1);
    expect(await sandboxControl(sb.url, 'GET', '/job/executions')).toMatchObject({ execute_job_plan: 1 });
    // One job row: the duplicates never reached the insert.
    const rows = await a.store.db.selectFrom('jobs').select('id').where('created_by', '=', 'admin').execute();
    expect(rows.filter((r) => r.id === results[0]?.id)).toHaveLength(1);
    expect(
      await a.store.db.selectFrom('audit_log').select('id').where('idempotency_key', '=', key).execute(),
    ).toHaveLength(1);
  });

  it('never poll one job from two pollers at once, and make one status call per poll', async () => {
    const jobs = 8;
    // Lost callbacks: the pollers alone follow these jobs.
    await sandboxControl(sb.url, 'POST', '/job/callbacks', { dropNext: jobs });
    const started: StartedJob[] = [];
    for (let i = 0; i < jobs; i++) started.push(await a.service.launch(userActor(), planRequest));
    await sb.reset();

    const polls: PollEvent[] = [];
    const intervals = { tickMs: 10, firstMs: 10, maxMs: 20, batch: 3, concurrency: 2 };
    const pollers: JobPoller[] = [a, b].map((h, i) =>
      startJobPoller({
        store: h.store,
        clients: h.clients,
        events: h.events,
        logger: captureLogger().logger,
        holder: `replica-${i}`,
        intervals,
        onPoll: (e) => polls.push(e),
      }),
    );
    try {
      await eventually(async () => {
        const rows = await Promise.all(started.map((s) => a.store.jobs.get(s.id)));
        return rows.every((r) => r?.finished);
      }, 15_000);
    } finally {
      await Promise.all(pollers.map((p) => p.stop()));
    }

    for (const job of started) {
      const mine = polls.filter((p) => p.jobId === job.id).sort((x, y) => x.startedAt - y.startedAt);
      expect(mine.length).toBeGreaterThan(0);
      for (let i = 1; i < mine.length; i++) {
        const [before, after] = [mine[i - 1]!, mine[i]!];
        expect({ job: job.id, overlap: after.startedAt < before.endedAt }).toEqual({
          job: job.id,
          overlap: false,
        });
      }
    }
    expect(new Set(polls.map((p) => p.holder)).size).toBe(2);
    expect(polls.every((p) => p.outcome !== 'failed')).toBe(true);
    expect((await sb.stats()).calls['job.system.get_job_instance_status']).toBe(polls.length);
  });
});

describe('watching a job', () => {
  it('polls a watched job at the watch rate, not at its backoff', async () => {
    await sandboxControl(sb.url, 'POST', '/job/callbacks', { dropNext: 1 });
    const poller = startJobPoller({
      store: b.store,
      clients: b.clients,
      events: b.events,
      logger: captureLogger().logger,
      holder: 'watcher',
      // Unwatched, the second poll would come 4 s after the first.
      intervals: { tickMs: 10, firstMs: 2000, maxMs: 4000, claimMs: 20_000, watchedMs: 40 },
    });
    try {
      const started = await a.service.launch(userActor(), planRequest);
      const unwatch = poller.watch(started.id);
      const job = await eventually(async () => {
        const row = await a.store.jobs.get(started.id);
        return row?.finished ? row : null;
      }, 2000);
      unwatch();
      // Each step's start and end was seen on the way.
      expect(job.version).toBeGreaterThanOrEqual(2);
    } finally {
      await poller.stop();
    }
  });
});
