import { randomUUID } from 'node:crypto';
import { jobTopic } from '../../src/services/jobs';
import type { ScriptExecution } from '../../src/services/jobs';
import { nextEvent } from '../events/helpers';
import { startTestSandbox } from '../helpers/sandbox';
import type { TestSandbox } from '../helpers/sandbox';
import { liveHosts } from '../sandbox/job-support';
import { notePgliteSkipped, PGLITE_RUNS_UNDER_JEST, randomSchema } from '../store/fixture';
import { eventually, sandboxControl, startJobsHarness, userActor } from './jobs.harness';
import type { Json, JobsHarness } from './jobs.harness';

/** The default start: the embedded PGlite store and its LISTEN/NOTIFY bus, end to end. */

const BIZ = '2';
const run = PGLITE_RUNS_UNDER_JEST ? describe : describe.skip;
notePgliteSkipped('a script run with its key, callback, poller and events');

let sb: TestSandbox;
let h: JobsHarness;
let script: ScriptExecution;

run('jobs on PGlite', () => {
  beforeAll(async () => {
    sb = await startTestSandbox({ jobMs: 80 });
    h = await startJobsHarness({
      kind: 'pglite',
      schema: randomSchema('jobs_pglite'),
      sandbox: sb,
      poller: { tickMs: 20, firstMs: 30, maxMs: 60 },
      service: { firstPollMs: 30 },
    });
    const hosts = (await liveHosts(sb.url, 2, 2)).map((x) => String(x.bk_host_id));
    script = {
      kind: 'script',
      bizId: BIZ,
      script: 'echo pglite',
      language: 'PYTHON',
      accountAlias: 'root',
      hostIds: hosts,
    };
  });
  afterAll(async () => {
    await h.close();
    await sb.close();
  });

  it('runs a script once per key to the end, with its status events, its callback and its audit entry', async () => {
    const key = randomUUID();
    const started = await h.service.launch(userActor(), script, { idempotencyKey: key });
    const sub = h.events.subscribe(jobTopic(BIZ, started.jobInstanceId));

    const job = await eventually(async () => {
      const row = await h.store.jobs.get(started.id);
      return row?.finished ? row : null;
    });
    const record: Json = await sandboxControl(sb.url, 'GET', `/job/instances/${started.jobInstanceId}`);
    expect(job.status).toBe(record.status);
    expect(record.callback.state).toBe('delivered');
    let last = (await nextEvent(sub)).value as Json;
    while (last.version < job.version) last = (await nextEvent(sub)).value as Json;
    expect(last).toEqual({ jobId: started.id, version: job.version });
    await sub.return?.();

    const again = await h.service.launch(userActor(), script, { idempotencyKey: key });
    expect(again).toMatchObject({ id: started.id, finished: true, status: record.status });
    expect((await sandboxControl(sb.url, 'GET', '/job/executions')).fast_execute_script).toBe(1);
    const own = await h.audit.listOwn({ username: 'admin', tenantId: null }, { offset: 0, limit: 10 });
    expect(own.items.filter((e) => e.idempotencyKey === key)).toEqual([
      expect.objectContaining({ action: 'fastExecuteScript', outcome: 'ok', hostCount: 2 }),
    ]);
    expect((await h.store.db.selectFrom('job_callbacks').select('outcome').execute()).length).toBe(1);
  });
});
