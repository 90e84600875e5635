import { createHash, randomUUID } from 'node:crypto';
import { loadConfig, pointAtSandbox } from '../../src/config';
import { systemActor } from '../../src/services/actor';
import {
  createJobService,
  executionHash,
  identityOf,
  jobTopic,
  validateExecution,
} from '../../src/services/jobs';
import type { ExecutionRequest, ScriptExecution, StartedJob } from '../../src/services/jobs';
import type { Job } from '../../src/store';
import { createClients } from '../../src/upstream/clients';
import { createUpstreamCaller } from '../../src/upstream/http/caller';
import { nextEvent } from '../events/helpers';
import { startTestSandbox } from '../helpers/sandbox';
import type { TestSandbox } from '../helpers/sandbox';
import { liveHosts } from '../sandbox/job-support';
import { closedPort, randomSchema } from '../store/fixture';
import {
  captureLogger,
  eventually,
  openStoreRetrying,
  planFixture,
  sandboxControl,
  startJobsHarness,
  userActor,
} from './jobs.harness';
import type { Json, JobsHarness } from './jobs.harness';

/** Starting JOB executions through the service: the real sandbox over HTTP, a real Postgres store. */

const BIZ = '2';
let sb: TestSandbox;
let h: JobsHarness;
let hosts: string[];
let plan: { planId: string; hostVarId: string | null; stepCount: number };

beforeAll(async () => {
  sb = await startTestSandbox({ jobMs: 120 });
  h = await startJobsHarness({
    kind: 'postgres',
    schema: randomSchema('jobs_launch'),
    sandbox: sb,
    poller: { tickMs: 20, firstMs: 30, maxMs: 60, watchedMs: 30 },
    service: { firstPollMs: 30 },
  });
  hosts = (await liveHosts(sb.url, 2, 3)).map((x) => String(x.bk_host_id));
  plan = await planFixture(h.clients, BIZ);
});
afterAll(async () => {
  await h.close();
  await sb.close();
});
beforeEach(async () => {
  await sb.faults({});
  await sb.reset();
});

const planRequest = (): ExecutionRequest => ({
  kind: 'plan',
  bizId: BIZ,
  planId: plan.planId,
  variables: plan.hostVarId ? [{ id: plan.hostVarId, hostIds: hosts }] : [],
});
const scriptRequest = (script = 'echo "hello $1"'): ScriptExecution => ({
  kind: 'script',
  bizId: BIZ,
  script,
  language: 'SHELL',
  params: 'world',
  accountAlias: 'root',
  hostIds: hosts,
  name: 'service test',
});

const executions = () => sandboxControl(sb.url, 'GET', '/job/executions');
/** Execute calls that reached the sandbox, in either mode (the poller's reads aside). */
async function startCalls(): Promise<number> {
  const { calls } = await sb.stats();
  return ['execute_job_plan', 'fast_execute_script', 'system.execute_job_plan', 'system.fast_execute_script']
    .map((api) => calls[`job.${api}`] ?? 0)
    .reduce((a, b) => a + b, 0);
}
const finished = (id: string) =>
  eventually(async () => {
    const job = await h.store.jobs.get(id);
    return job?.finished ? job : null;
  });
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the launch to fail');
    },
    (e: unknown) => e as Json,
  );

/** The stored job agrees with JOB's own record of the instance. */
async function expectMatchesSandbox(job: Job): Promise<Json> {
  const record = await sandboxControl(sb.url, 'GET', `/job/instances/${job.jobInstanceId}`);
  expect(record.finished).toBe(true);
  expect(job.status).toBe(record.status);
  expect(job.steps).toEqual(
    record.steps.map((s: Json) => ({ stepInstanceId: String(s.step_instance_id), status: s.status })),
  );
  return record;
}

/** Every change of the job was published once: versions 0..final, none missing, none twice. */
function expectEveryChangePublished(started: StartedJob, job: Job): void {
  const versions = h.published
    .filter((p) => p.topic === jobTopic(BIZ, started.jobInstanceId))
    .map((p) => p.payload.version as number)
    .sort((a, b) => a - b);
  expect(versions).toEqual(Array.from({ length: job.version + 1 }, (_, i) => i));
  expect(h.published.filter((p) => p.topic === jobTopic(BIZ, started.jobInstanceId))).toContainEqual({
    topic: jobTopic(BIZ, started.jobInstanceId),
    payload: { jobId: started.id, version: job.version },
  });
}

describe('launching a job', () => {
  it('runs a plan to the end, publishing every status change, and stores it as JOB records it', async () => {
    const started = await h.service.launch(userActor(), planRequest());
    expect(started).toMatchObject({ bizId: BIZ, kind: 'plan', createdBy: 'admin', finished: false });
    expect(started.jobInstanceId).toMatch(/^\d+$/);
    const sub = h.events.subscribe(jobTopic(BIZ, started.jobInstanceId));

    const job = await finished(started.id);
    const record = await expectMatchesSandbox(job);
    expect(record.steps).toHaveLength(plan.stepCount);
    // At least the end was recorded; how many steps' moves the poller saw on the way depends on timing.
    expect(job.version).toBeGreaterThanOrEqual(1);
    expectEveryChangePublished(started, job);
    // …and the events cross the real bus.
    let last = (await nextEvent(sub)).value as Json;
    while (last.version < job.version) last = (await nextEvent(sub)).value as Json;
    expect(last).toEqual({ jobId: started.id, version: job.version });
    await sub.return?.();
  });

  it('runs a script to the end through JOB app mode for a background actor, with the operator as the user', async () => {
    const actor = systemActor('admin', null, 'bg-1', Date.now() + 15_000);
    const started = await h.service.launch(actor, scriptRequest());
    const job = await finished(started.id);
    const record = await expectMatchesSandbox(job);
    expect(record).toMatchObject({ operator: 'admin', name: 'service test', status: 3 });
    expectEveryChangePublished(started, job);
    const { calls } = await sb.stats();
    expect(calls['job.system.fast_execute_script']).toBe(1);
    expect(calls['job.fast_execute_script']).toBeUndefined();
  });

  it('checks app-mode permissions as the operator: bob may not run scripts in business 2', async () => {
    const error = await failure(
      h.service.launch(systemActor('bob', null, 'bg-2', Date.now() + 5000), scriptRequest()),
    );
    expect(error.extensions).toMatchObject({ code: 'FORBIDDEN', upstream: { code: 9900403 } });
    expect((await executions()).fast_execute_script).toBe(0);
  });
});

describe('idempotency keys', () => {
  it('answers the same key twice with the same job and makes one JOB call', async () => {
    const key = randomUUID();
    const first = await h.service.launch(userActor(), scriptRequest(), { idempotencyKey: key });
    const again = await h.service.launch(userActor(), scriptRequest(), { idempotencyKey: key });
    expect(again.id).toBe(first.id);
    expect(again.jobInstanceId).toBe(first.jobInstanceId);
    expect((await executions()).fast_execute_script).toBe(1);
    expect((await sb.stats()).calls['job.fast_execute_script']).toBe(1);
  });

  it('refuses the same key with other input as BAD_USER_INPUT, calling nothing', async () => {
    const key = randomUUID();
    await h.service.launch(userActor(), scriptRequest(), { idempotencyKey: key });
    const error = await failure(
      h.service.launch(userActor(), scriptRequest('echo other'), { idempotencyKey: key }),
    );
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.idempotencyKey' });
    expect((await executions()).fast_execute_script).toBe(1);
  });

  it('keeps keys per identity: the same user name in another tenant is another caller', async () => {
    const key = randomUUID();
    const mine = await h.service.launch(userActor('admin'), scriptRequest(), { idempotencyKey: key });
    // The sandbox's tenant is `default`; a null tenant is the single-tenant install's.
    const tenanted = await h.service.launch({ ...userActor('admin'), tenantId: 'default' }, scriptRequest(), {
      idempotencyKey: key,
    });
    expect(tenanted.id).not.toBe(mine.id);
    expect((await executions()).fast_execute_script).toBe(2);
  });

  it('waits for a call in progress with the same key and answers what it ends with', async () => {
    const done = await h.service.launch(userActor(), scriptRequest());
    const actor = userActor();
    const key = randomUUID();
    const operation = 'fastExecuteScript';
    const inputHash = executionHash(operation, validateExecution(scriptRequest()), null);
    // Another process holds the key mid-call…
    await h.store.idempotency.claim({ identity: identityOf(actor), key, operation, inputHash });
    const waiting = h.service.launch(actor, scriptRequest(), { idempotencyKey: key });
    await new Promise((r) => setTimeout(r, 150));
    // …and records its job.
    await h.store.idempotency.complete(identityOf(actor), key, done);
    expect((await waiting).id).toBe(done.id);
    expect((await executions()).fast_execute_script).toBe(1);
  });

  it('treats a pending claim older than the bound as abandoned: OUTCOME_UNKNOWN, marked, nothing sent', async () => {
    const service = createJobService({
      store: h.store,
      clients: h.clients,
      events: h.events,
      publicUrl: h.publicUrl,
      logger: captureLogger().logger,
      pendingStaleMs: 50,
    });
    const actor = userActor();
    const key = randomUUID();
    const inputHash = executionHash('fastExecuteScript', validateExecution(scriptRequest()), null);
    await h.store.idempotency.claim({
      identity: identityOf(actor),
      key,
      operation: 'fastExecuteScript',
      inputHash,
    });
    await new Promise((r) => setTimeout(r, 120));
    const error = await failure(service.launch(actor, scriptRequest(), { idempotencyKey: key }));
    expect(error.extensions).toMatchObject({ code: 'OUTCOME_UNKNOWN', idempotencyKey: key });
    expect(await h.store.idempotency.get(identityOf(actor), key)).toMatchObject({ state: 'unknown' });
    expect((await sb.stats()).calls['job.fast_execute_script']).toBeUndefined();
  });
});

describe('when JOB fails', () => {
  it('answers OUTCOME_UNKNOWN when execute_job_plan hangs, and never calls again, also on a repeat', async () => {
    await sb.faults({ apis: ['job.execute_job_plan'], hangNext: 1 });
    const actor = userActor('admin', 600);
    const key = randomUUID();
    const error = await failure(h.service.launch(actor, planRequest(), { idempotencyKey: key }));
    expect(error.extensions).toMatchObject({ code: 'OUTCOME_UNKNOWN', idempotencyKey: key });
    expect(error.message).toMatch(/JOB may have started the job/);
    expect(error.message).toMatch(/will not run it again/);

    const repeat = await failure(h.service.launch(userActor(), planRequest(), { idempotencyKey: key }));
    expect(repeat.extensions).toMatchObject({ code: 'OUTCOME_UNKNOWN' });
    expect((await sb.stats()).calls['job.execute_job_plan']).toBe(1);
    expect(await h.store.idempotency.get(identityOf(actor), key)).toMatchObject({ state: 'unknown' });
    const audit = await h.audit.listOwn(actor, { offset: 0, limit: 1 });
    expect(audit.items[0]).toMatchObject({
      action: 'executeJobPlan',
      idempotencyKey: key,
      outcome: 'unknown',
    });
  });

  it.each([
    ['a 502 from the gateway', { failNext: 1 }],
    ['a 200 whose body is not JSON', { malformedNext: 1 }],
    ['a connection reset after the request was sent', { resetNext: 1 }],
  ])('answers OUTCOME_UNKNOWN for %s, without a second try', async (_what, fault) => {
    await sb.faults({ apis: ['job.fast_execute_script'], ...fault });
    const actor = userActor();
    const key = randomUUID();
    const error = await failure(h.service.launch(actor, scriptRequest(), { idempotencyKey: key }));
    expect(error.extensions).toMatchObject({ code: 'OUTCOME_UNKNOWN' });
    expect((await sb.stats()).calls['job.fast_execute_script']).toBe(1);
    expect(await h.store.idempotency.get(identityOf(actor), key)).toMatchObject({ state: 'unknown' });
  });

  it('treats a refused connection as definite: nothing was sent, so the key is free again', async () => {
    const config = pointAtSandbox(
      loadConfig({ BK_SANDBOX: '1', BK_TRANSPORT: 'apigw' }),
      `http://127.0.0.1:${await closedPort()}`,
    );
    const caller = createUpstreamCaller({ config: config.upstream });
    const service = createJobService({
      store: h.store,
      clients: createClients(caller, config),
      events: h.events,
      publicUrl: h.publicUrl,
      logger: captureLogger().logger,
    });
    try {
      const actor = userActor();
      const key = randomUUID();
      const error = await failure(service.launch(actor, scriptRequest(), { idempotencyKey: key }));
      expect(error.extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      expect(await h.store.idempotency.get(identityOf(actor), key)).toBeNull();
      expect((await h.audit.listOwn(actor, { offset: 0, limit: 1 })).items[0]).toMatchObject({
        idempotencyKey: key,
        outcome: 'failed: UPSTREAM_UNAVAILABLE',
      });
    } finally {
      await caller.close();
    }
  });

  it('gives the key back on a definite JOB error (no such plan), so the corrected retry runs once', async () => {
    const actor = userActor();
    const key = randomUUID();
    const error = await failure(
      h.service.launch(actor, { kind: 'plan', bizId: BIZ, planId: '999999' }, { idempotencyKey: key }),
    );
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', upstream: { code: 1243009 } });
    expect(await h.store.idempotency.get(identityOf(actor), key)).toBeNull();
    const [failed] = (await h.audit.listOwn(actor, { offset: 0, limit: 1 })).items;
    expect(failed).toMatchObject({
      outcome: 'failed: UPSTREAM_ERROR',
      target: `plan 999999 in business ${BIZ}`,
    });
    // The job row of the refused call is gone.
    expect(await h.store.jobs.get((failed?.detail as Json).jobId)).toBeNull();

    const started = await h.service.launch(actor, planRequest(), { idempotencyKey: key });
    expect(started.jobInstanceId).toMatch(/^\d+$/);
    expect((await sb.stats()).calls['job.execute_job_plan']).toBe(2);
    expect((await executions()).execute_job_plan).toBe(1);
  });

  it('gives the key back on a permission denial: FORBIDDEN with the permission, audited as failed', async () => {
    const actor = userActor('bob');
    const key = randomUUID();
    const error = await failure(h.service.launch(actor, scriptRequest(), { idempotencyKey: key }));
    expect(error.extensions).toMatchObject({ code: 'FORBIDDEN', permission: { system_id: 'bk_job' } });
    expect(await h.store.idempotency.get(identityOf(actor), key)).toBeNull();
    expect((await h.audit.listOwn(actor, { offset: 0, limit: 1 })).items[0]).toMatchObject({
      action: 'fastExecuteScript',
      outcome: 'failed: FORBIDDEN',
    });
  });

  it('fails with the store unavailable and sends nothing to JOB when the store is down', async () => {
    // A second connection to the same schema, closed: the store as a process sees it when it is gone.
    const dead = await openStoreRetrying('postgres', h.store.schema);
    await dead.close();
    const service = createJobService({
      store: dead,
      clients: h.clients,
      events: h.events,
      publicUrl: h.publicUrl,
      logger: captureLogger().logger,
    });
    try {
      for (const options of [{ idempotencyKey: randomUUID() }, {}]) {
        const error = await failure(service.launch(userActor(), scriptRequest(), options));
        expect(error.name).toBe('StoreUnavailableGraphError');
        expect(error.extensions).toMatchObject({
          code: 'UPSTREAM_UNAVAILABLE',
          upstream: { system: 'store' },
        });
      }
      expect(await startCalls()).toBe(0);
    } finally {
      await dead.close();
    }
  });
});

describe('input', () => {
  const script = scriptRequest();
  const cases: Array<[string, ExecutionRequest, string]> = [
    ['a business id that is not numeric', { ...script, bizId: 'biz-2' }, 'input.businessId'],
    ['a plan id that is not numeric', { kind: 'plan', bizId: BIZ, planId: '1; drop' }, 'input.planId'],
    ['a host id that is not numeric', { ...script, hostIds: ['1', 'x'] }, 'input.hostIds[1]'],
    ['no hosts', { ...script, hostIds: [] }, 'input.hostIds'],
    ['both script and scriptId', { ...script, scriptId: 'abc' }, 'input.script'],
    ['neither script nor scriptId', { ...script, script: null }, 'input.script'],
    ['a script without a language', { ...script, language: null }, 'input.language'],
    ['an SQL script', { ...script, language: 'SQL' }, 'input.language'],
    ['a timeout of 0', { ...script, timeoutSeconds: 0 }, 'input.timeoutSeconds'],
    ['a timeout over a day', { ...script, timeoutSeconds: 86_401 }, 'input.timeoutSeconds'],
    ['no account', { ...script, accountAlias: null }, 'input.accountAlias'],
    ['an account id that is not numeric', { ...script, accountId: 'root' }, 'input.accountId'],
    ['params over 64 KiB', { ...script, params: 'x'.repeat(64 * 1024 + 1) }, 'input.params'],
    [
      'sensitive params over 47 KiB',
      { ...script, params: 'x'.repeat(48 * 1024), sensitiveParams: true },
      'input.params',
    ],
    ['a name over 512 characters', { ...script, name: 'n'.repeat(513) }, 'input.name'],
    [
      'a variable with neither id nor name',
      { kind: 'plan', bizId: BIZ, planId: '1', variables: [{ value: 'v' }] },
      'input.variables[0].id',
    ],
    [
      'a variable with neither value nor hosts',
      { kind: 'plan', bizId: BIZ, planId: '1', variables: [{ name: 'v' }] },
      'input.variables[0].value',
    ],
  ];

  it.each(cases)(
    'refuses %s as BAD_USER_INPUT naming the field, before calling JOB',
    async (_what, request, field) => {
      const error = await failure(h.service.launch(userActor(), request, { idempotencyKey: randomUUID() }));
      expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(await startCalls()).toBe(0);
    },
  );

  it('refuses more target hosts than the bound', async () => {
    const service = createJobService({
      store: h.store,
      clients: h.clients,
      events: h.events,
      publicUrl: h.publicUrl,
      logger: captureLogger().logger,
      maxTargetHosts: 2,
    });
    const error = await failure(service.launch(userActor(), scriptRequest()));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.hostIds' });
  });
});

describe('the audit log', () => {
  it('records each mutation without the script text or params, and lists only the caller’s own entries', async () => {
    const text = `echo ${randomUUID()}`;
    const params = `--password=${randomUUID()}`;
    const key = randomUUID();
    const started = await h.service.launch(
      userActor(),
      { ...scriptRequest(text), params, sensitiveParams: true },
      { idempotencyKey: key },
    );
    await finished(started.id);
    const own = await h.audit.listOwn({ username: 'admin', tenantId: null }, { offset: 0, limit: 50 });
    const entry = own.items.find((e) => e.idempotencyKey === key);
    expect(entry).toMatchObject({
      actor: 'admin',
      action: 'fastExecuteScript',
      target: `script sha256:${createHash('sha256').update(text).digest('hex')} in business ${BIZ}`,
      hostCount: hosts.length,
      outcome: 'ok',
      upstreamRequestId: expect.stringMatching(/.+/),
    });
    expect(own.items.every((e) => e.actor === 'admin')).toBe(true);
    const theirs = await h.audit.listOwn({ username: 'alice', tenantId: null }, { offset: 0, limit: 50 });
    expect(theirs.items.some((e) => e.idempotencyKey === key)).toBe(false);

    // Nowhere in the store, nowhere in the logs.
    const tables = ['audit_log', 'idempotency_keys', 'jobs', 'job_callbacks'] as const;
    for (const table of tables) {
      const rows = JSON.stringify(await h.store.db.selectFrom(table).selectAll().execute());
      expect(rows).not.toContain(text);
      expect(rows).not.toContain(params);
    }
    const logged = JSON.stringify(h.lines);
    expect(logged).not.toContain(text);
    expect(logged).not.toContain(params);
    expect(logged).not.toMatch(/https?:\/\//);
  });
});

describe('reading a job', () => {
  it('answers the instance with steps and host results, null for an unknown job, BAD_USER_INPUT for a bad id', async () => {
    const started = await h.service.launch(userActor(), scriptRequest());
    await finished(started.id);
    const view = await h.service.jobView(userActor(), BIZ, started.jobInstanceId);
    expect(view).toMatchObject({ id: started.jobInstanceId, finished: true, status: 'SUCCESS' });
    expect(view?.steps[0]?.hosts.map((x) => x.hostId).sort()).toEqual([...hosts].sort());
    expect(await h.service.jobView(userActor(), BIZ, '99999999')).toBeNull();
    const error = await failure(h.service.jobView(userActor(), BIZ, 'abc'));
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    const denied = await failure(h.service.jobView(userActor('bob'), BIZ, started.jobInstanceId));
    expect(denied.extensions).toMatchObject({ code: 'FORBIDDEN', permission: expect.anything() });
  });
});
