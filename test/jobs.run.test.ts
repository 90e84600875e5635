import { randomUUID } from 'node:crypto';
import {
  AuditLogDocument,
  ExecuteJobPlanDocument,
  FastExecuteScriptDocument,
  JobHostsAndLogsDocument,
  JobPlanDocument,
  JobPlansDocument,
  JobUpdatedDocument,
  type FastExecuteScriptInput,
  type JobFieldsFragment,
  type JobUpdatedSubscription,
} from './__generated__/graphql';
import {
  eventually,
  sandboxControl,
  sandboxExecutions,
  sandboxFastExecute,
  sandboxInstance,
  storeQuery,
  subscribe,
  type SandboxInstance,
} from './jobs.helpers';
import {
  dropSchema,
  startTestServer,
  testSchema,
  TEST_DATABASE_URL,
  type TestServer,
} from './helpers/server';

/**
 * Running jobs through the front door: mutations over HTTP, `jobUpdated` over graphql-ws, JOB's
 * callback over HTTP to /callbacks/job, the sandbox's own records as the truth and its counters
 * for the JOB calls made, the store (Postgres) for what the callback route wrote.
 */

const BIZ = '2';
const ALICE = { 'x-bk-token': 'token-alice' };
const schema = testSchema('t_jobs');
let server: TestServer;
/** Hosts of BIZ whose agents are alive: scripts on them succeed. */
let liveHosts: string[];
/** Idempotency keys of the mutations this file made that reached JOB, with their outcome. */
const launched: { key: string; action: string; outcome: string }[] = [];

function scriptInput(overrides: Partial<FastExecuteScriptInput> = {}): FastExecuteScriptInput {
  return {
    businessId: BIZ,
    script: 'echo "step one"\necho "step two"\n',
    language: 'SHELL',
    accountAlias: 'root',
    hostIds: liveHosts.slice(0, 3),
    idempotencyKey: randomUUID(),
    ...overrides,
  };
}

/** The job's steps and hosts in JOB's own numbers, for comparing with the sandbox's record. */
function shapeOf(job: JobFieldsFragment) {
  return {
    id: job.id,
    status: job.statusCode,
    finished: job.finished,
    steps: job.steps.map((s) => ({
      id: s.id,
      status: s.statusCode,
      hosts: s.hosts.map((h) => ({ id: h.hostId, status: h.statusCode, exitCode: h.exitCode })),
    })),
  };
}

function recordOf(instance: SandboxInstance) {
  return {
    id: String(instance.job_instance_id),
    status: instance.status,
    finished: instance.finished,
    steps: instance.steps.map((s) => ({
      id: String(s.step_instance_id),
      status: s.status,
      hosts: s.hosts.map((h) => ({ id: String(h.bk_host_id), status: h.status, exitCode: h.exit_code })),
    })),
  };
}

/** The plan of BIZ with the most steps that does not fail on purpose (each step takes a second). */
async function longestPlan() {
  const plans = await server.graphql(JobPlansDocument, { businessId: BIZ, first: 20 });
  const details = await Promise.all(
    plans.body.data!.jobPlans.nodes.map((p) =>
      server.graphql(JobPlanDocument, { businessId: BIZ, id: p.id }),
    ),
  );
  return details
    .map((d) => d.body.data!.jobPlan!)
    .filter((p) => p.name !== 'chaos drill')
    .sort((a, b) => b.steps.length - a.steps.length)[0]!;
}

/** Follows a job over graphql-ws until the server completes the subscription. */
async function followToEnd(jobId: string, params: Record<string, string> = {}) {
  const sub = subscribe(server.url, JobUpdatedDocument, { businessId: BIZ, id: jobId }, params);
  try {
    await sub.done;
    return sub.events;
  } finally {
    await sub.close();
  }
}

function jobsOf(events: { data?: JobUpdatedSubscription | null; errors?: unknown }[]): JobFieldsFragment[] {
  for (const e of events) expect(e.errors).toBeUndefined();
  return events.map((e) => e.data!.jobUpdated);
}

beforeAll(async () => {
  server = await startTestServer({
    SANDBOX_JOB_MS: '1000',
    BK_UPSTREAM_TIMEOUT_MS: '1500',
    WATCH_ENABLED: '0',
    DATABASE_SCHEMA: schema,
  });
  const res = await server.graphql(
    `query($biz: ID!) { business(id: $biz) { hosts(first: 100) { nodes { id agent { alive } } } } }`,
    { biz: BIZ },
  );
  const nodes = (
    res.body.data as { business: { hosts: { nodes: { id: string; agent: { alive: boolean } | null }[] } } }
  ).business.hosts.nodes;
  liveHosts = nodes.filter((n) => n.agent?.alive).map((n) => n.id);
  expect(liveHosts.length).toBeGreaterThanOrEqual(3);
});
afterAll(async () => {
  await server.close();
  await dropSchema(TEST_DATABASE_URL, schema);
});

describe('executeJobPlan', () => {
  it('runs a plan to the end with live jobUpdated events; steps and host results are JOB’s', async () => {
    const plans = await server.graphql(JobPlansDocument, { businessId: BIZ, first: 20 });
    const details = await Promise.all(
      plans.body.data!.jobPlans.nodes.map((p) =>
        server.graphql(JobPlanDocument, { businessId: BIZ, id: p.id }),
      ),
    );
    // A plan of several steps, none waiting for a person, and none failing on purpose.
    const plan = details
      .map((d) => d.body.data!.jobPlan!)
      .find(
        (p) =>
          p.steps.length >= 2 &&
          p.steps.every((s) => s.type !== 'MANUAL_CONFIRM') &&
          p.name !== 'chaos drill',
      )!;
    const servers = plan.variables.find((v) => v.type === 'HOST_LIST')!;
    const key = randomUUID();

    const res = await server.graphql(ExecuteJobPlanDocument, {
      input: {
        businessId: BIZ,
        planId: plan.id,
        variables: [
          { id: servers.id, hostIds: liveHosts.slice(0, 2) },
          { name: 'version', value: '2.0.0' },
        ],
        idempotencyKey: key,
      },
    });
    expect(res.body.errors).toBeUndefined();
    launched.push({ key, action: 'executeJobPlan', outcome: 'ok' });
    const started = res.body.data!.executeJobPlan.job;
    expect(started).toMatchObject({ businessId: BIZ, name: plan.name, finished: false });
    expect(started.steps.map((s) => s.name)).toEqual(plan.steps.map((s) => s.name));

    const jobs = jobsOf(await followToEnd(started.id));
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    expect(jobs[0]!.finished).toBe(false);
    expect(jobs.slice(0, -1).every((j) => !j.finished)).toBe(true);
    const last = jobs.at(-1)!;
    expect(last).toMatchObject({ finished: true, status: 'SUCCESS', statusCode: 3 });
    // Each event differs from the one before it.
    for (let i = 1; i < jobs.length; i++) expect(shapeOf(jobs[i]!)).not.toEqual(shapeOf(jobs[i - 1]!));
    expect(shapeOf(last)).toEqual(recordOf(await sandboxInstance(server.sandboxUrl, started.id)));
    expect(last.steps.flatMap((s) => s.hosts.map((h) => h.hostId))).toEqual(
      plan.steps.flatMap(() => liveHosts.slice(0, 2)),
    );
  });
});

describe('fastExecuteScript', () => {
  it('runs a plain-text script to the end with live events, and its logs hold what it printed', async () => {
    const input = scriptInput();
    const res = await server.graphql(FastExecuteScriptDocument, { input });
    expect(res.body.errors).toBeUndefined();
    launched.push({ key: input.idempotencyKey!, action: 'fastExecuteScript', outcome: 'ok' });
    const started = res.body.data!.fastExecuteScript.job;
    expect(started.steps[0]!.hosts.map((h) => h.hostId)).toEqual(input.hostIds);

    const jobs = jobsOf(await followToEnd(started.id));
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    expect(jobs[0]!.steps[0]!.status).toBe('RUNNING');
    const last = jobs.at(-1)!;
    expect(last).toMatchObject({ finished: true, status: 'SUCCESS' });
    expect(last.steps[0]!.hosts.map((h) => h.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(shapeOf(last)).toEqual(recordOf(await sandboxInstance(server.sandboxUrl, started.id)));

    const logs = await server.graphql(JobHostsAndLogsDocument, { businessId: BIZ, id: started.id });
    for (const h of logs.body.data!.job!.steps[0]!.hosts) {
      expect(h.log).toContain('step one');
      expect(h.log).toContain('step two');
    }
  });

  it.each([
    ['a timeout of 0', { timeoutSeconds: 0 }, 'input.timeoutSeconds'],
    ['both a script and a scriptId', { scriptId: '33ccd235f457458decb9053d38b58d5a' }, 'input.script'],
    ['no account', { accountAlias: null }, 'input.accountAlias'],
    ['a malformed host id', { hostIds: ['host-1'] }, 'input.hostIds[0]'],
  ])('refuses %s as BAD_USER_INPUT naming the field, calling nothing', async (_what, change, field) => {
    const before = await sandboxExecutions(server.sandboxUrl);
    const res = await server.graphql(FastExecuteScriptDocument, { input: scriptInput(change) });
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await sandboxExecutions(server.sandboxUrl)).toEqual(before);
  });
});

describe('an idempotency key', () => {
  it('answers the same key and input with the same job and makes one JOB call', async () => {
    const input = scriptInput();
    const before = await sandboxExecutions(server.sandboxUrl);
    const first = await server.graphql(FastExecuteScriptDocument, { input });
    const again = await server.graphql(FastExecuteScriptDocument, { input });
    launched.push({ key: input.idempotencyKey!, action: 'fastExecuteScript', outcome: 'ok' });
    expect(first.body.errors).toBeUndefined();
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data!.fastExecuteScript.job.id).toBe(first.body.data!.fastExecuteScript.job.id);
    const after = await sandboxExecutions(server.sandboxUrl);
    expect(after.fast_execute_script - before.fast_execute_script).toBe(1);

    // The same key with other input is the caller's mistake: refused, nothing run.
    const other = await server.graphql(FastExecuteScriptDocument, {
      input: { ...input, script: 'echo other' },
    });
    expect(other.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(await sandboxExecutions(server.sandboxUrl)).toEqual(after);
  });

  it('answers OUTCOME_UNKNOWN when execute_job_plan hangs, and never calls JOB again, also on a repeat', async () => {
    const plans = await server.graphql(JobPlansDocument, { businessId: BIZ, first: 1 });
    const input = {
      businessId: BIZ,
      planId: plans.body.data!.jobPlans.nodes[0]!.id,
      idempotencyKey: randomUUID(),
    };
    await server.resetStats();
    await server.faults({ apis: ['job.execute_job_plan'], hangNext: 1 });
    try {
      const first = await server.graphql(ExecuteJobPlanDocument, { input });
      expect(first.body.errors?.[0]?.extensions).toMatchObject({ code: 'OUTCOME_UNKNOWN' });
      expect(first.body.errors?.[0]?.message).toMatch(/will not run it again/);
      const repeat = await server.graphql(ExecuteJobPlanDocument, { input });
      expect(repeat.body.errors?.[0]?.extensions).toMatchObject({ code: 'OUTCOME_UNKNOWN' });
    } finally {
      await server.faults({});
    }
    launched.push({ key: input.idempotencyKey, action: 'executeJobPlan', outcome: 'unknown' });
    expect((await server.stats()).calls['job.execute_job_plan']).toBe(1);
  });
});

describe('jobUpdated', () => {
  it('follows a job bk-graph did not start by reading it until it is finished', async () => {
    const { job_instance_id: id } = await sandboxFastExecute(server.sandboxUrl, {
      bk_scope_type: 'biz',
      bk_scope_id: BIZ,
      script_content: Buffer.from('echo elsewhere').toString('base64'),
      script_language: 1,
      account_alias: 'root',
      target_server: { host_id_list: liveHosts.slice(0, 1).map(Number) },
    });
    const jobs = jobsOf(await followToEnd(String(id)));
    expect(jobs[0]!.finished).toBe(false);
    expect(jobs.at(-1)).toMatchObject({ id: String(id), finished: true, status: 'SUCCESS' });
  });

  it('fails at once for an unknown job (NOT_FOUND) and for a hidden business (FORBIDDEN)', async () => {
    const unknown = await followToEnd('12345');
    expect(unknown).toHaveLength(1);
    expect(unknown[0]!.errors).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) }),
    ]);
    const hidden = await followToEnd('12345', ALICE);
    expect(hidden[0]!.errors).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({ code: 'FORBIDDEN', permission: expect.anything() }),
      }),
    ]);
  });
});

describe('POST /callbacks/job', () => {
  it('applies JOB’s form-encoded callback to the stored job, and refuses a malformed one with 400', async () => {
    // JOB's own callback is lost: the one posted here is the only one.
    await sandboxControl(server.sandboxUrl, '/job/callbacks', { dropNext: 1 });
    const plan = await longestPlan();
    const input = {
      businessId: BIZ,
      planId: plan.id,
      variables: [
        { id: plan.variables.find((v) => v.type === 'HOST_LIST')!.id, hostIds: liveHosts.slice(0, 1) },
      ],
      idempotencyKey: randomUUID(),
    };
    const res = await server.graphql(ExecuteJobPlanDocument, { input });
    launched.push({ key: input.idempotencyKey, action: 'executeJobPlan', outcome: 'ok' });
    const job = res.body.data!.executeJobPlan.job;
    const record = await sandboxInstance(server.sandboxUrl, job.id);
    expect(record.callback_url).toMatch(/\/callbacks\/job\?token=/);
    const url = new URL(record.callback_url!);
    const target = `${server.url}${url.pathname}${url.search}`;

    // The plan runs on a live host, so JOB will end it and every step SUCCESS: that is what its
    // callback says, posted while the job still runs (bk-graph's poller has not seen it end).
    const form = new URLSearchParams({
      job_instance_id: job.id,
      status: '3',
      step_instance_list: JSON.stringify(
        job.steps.map((s) => ({ step_instance_id: Number(s.id), status: 3 })),
      ),
    });
    const applied = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(applied.status).toBe(200);
    const [row] = await storeQuery<{ status: number; finished: boolean }>(
      schema,
      'SELECT status, finished FROM jobs WHERE job_instance_id = $1',
      [job.id],
    );
    expect(row).toEqual({ status: 3, finished: true });
    const inbox = await storeQuery<{ content_type: string; outcome: string }>(
      schema,
      'SELECT content_type, outcome FROM job_callbacks WHERE job_instance_id = $1',
      [job.id],
    );
    expect(inbox).toEqual([{ content_type: 'application/x-www-form-urlencoded', outcome: 'applied' }]);

    const countBefore = await storeQuery<{ n: string }>(schema, 'SELECT count(*) AS n FROM job_callbacks');
    const malformed = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'job_instance_id=&status=done',
    });
    expect(malformed.status).toBe(400);
    expect(await storeQuery(schema, 'SELECT count(*) AS n FROM job_callbacks')).toEqual(countBefore);

    // JOB ends the job as the callback said.
    const end = await eventually(async () => {
      const r = await sandboxInstance(server.sandboxUrl, job.id);
      return r.finished ? r : undefined;
    });
    expect(end).toMatchObject({ status: 3, callback: { state: 'dropped' } });
  });
});

describe('auditLog', () => {
  it('lists every mutation of the caller that reached JOB, newest first, and none of another caller’s', async () => {
    const res = await server.graphql(AuditLogDocument, { first: 100 });
    expect(res.body.errors).toBeUndefined();
    const entries = res.body.data!.auditLog.nodes;
    const ids = entries.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    for (const l of launched) {
      expect(entries.filter((e) => e.idempotencyKey === l.key)).toEqual([
        expect.objectContaining({ actor: 'admin', action: l.action, outcome: l.outcome }),
      ]);
    }
    // The job bk-graph started for the plan names the plan, never a script's text.
    expect(entries.every((e) => !e.target?.includes('echo'))).toBe(true);
    expect(res.body.data!.auditLog.totalCount).toBe(launched.length);

    const alice = await server.graphql(AuditLogDocument, { first: 100 }, ALICE);
    expect(alice.body.data!.auditLog).toMatchObject({ totalCount: 0, nodes: [] });
  });
});
