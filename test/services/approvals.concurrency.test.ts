import { ITSM_APP_CODE, ITSM_SECRET } from '../../src/sandbox/apis/itsm/handlers';
import { createToken } from '../../src/sandbox/apis/itsm/token';
import { systemActor } from '../../src/services/actor';
import { openVariables, runKey } from '../../src/services/approvals';
import { executionHash, identityOf, validateExecution } from '../../src/services/jobs';
import type { Approval } from '../../src/store';
import type { JobPlanDetail } from '../../src/upstream/domain';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { randomSchema } from '../store/fixture';
import { alicesPlan, approvalState, requestFor } from './approvals.harness';
import {
  actorOf,
  approve,
  control,
  eventually,
  executions,
  reject,
  startWorld,
  TEST_SECRETS,
  type World,
} from './tickets.harness';

/**
 * Two bk-graph processes on one Postgres (two worlds: own connections, buses, workers and HTTP
 * routes), hit by a storm of callbacks; and workers that die between approval and execution.
 */

let sandbox: TestSandbox;
let a: World;
let b: World;
let bizId: string;
let plan: JobPlanDetail;
const schema = randomSchema('aconc');

beforeAll(async () => {
  sandbox = await startTestSandbox();
  const callback = { ticketWaitMs: 300 };
  a = await startWorld(sandbox, { kind: 'postgres', schema, callback, owner: false });
  b = await startWorld(sandbox, { kind: 'postgres', schema, callback, owner: true });
  ({ bizId, plan } = await alicesPlan(a));
});
afterAll(async () => {
  await a.close();
  await b.close();
  await sandbox.close();
});
afterEach(async () => {
  await control(sandbox, 'POST', '/itsm/callbacks', {});
});

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function callback(sn: string, claims: { status: string; approved: boolean }, token: string) {
  return JSON.stringify({
    sn,
    title: 'run plan',
    ticket_url: 'http://itsm.sandbox.invalid/#/ticket/detail?id=1',
    current_status: claims.status,
    updated_by: 'ops-li',
    update_at: '2026-05-01 12:00:00.5+08:00',
    approve_result: claims.approved,
    token,
    last_approver: 'ops-li',
  });
}

it('200 concurrent callbacks to two processes: every valid change applied once, every approval one job', async () => {
  const approvals = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      (i % 2 === 0 ? a : b).approvals.requestJobPlanExecution(
        actorOf('alice'),
        requestFor(bizId, plan, `storm ${i}`),
      ),
    ),
  );
  // ITSM decides them all but loses every callback; the storm below is what bk-graph hears.
  await control(sandbox, 'POST', '/itsm/callbacks', { dropNext: 20 });
  const approvedIds = new Set(approvals.filter((_, i) => i % 3 !== 2).map((ap) => ap.id));
  await Promise.all(
    approvals.map((ap) => (approvedIds.has(ap.id) ? approve : reject)(sandbox, ap.ticketSn as string)),
  );
  const before = await executions(sandbox);

  type Shot = { body: string; expect: number; contentType?: string };
  const shots: Shot[] = [];
  for (const ap of approvals) {
    const sn = ap.ticketSn as string;
    const truth = { status: 'FINISHED', approved: approvedIds.has(ap.id) };
    for (let d = 0; d < 5; d++)
      shots.push({ body: callback(sn, truth, createToken(ITSM_APP_CODE, ITSM_SECRET)), expect: 200 });
    // Reordered and lying: an older RUNNING report, signed like any other.
    shots.push({
      body: callback(sn, { status: 'RUNNING', approved: false }, createToken(ITSM_APP_CODE, ITSM_SECRET)),
      expect: 200,
    });
    for (let f = 0; f < 2; f++) {
      shots.push({
        body: callback(
          sn,
          { status: 'FINISHED', approved: true },
          Buffer.alloc(32, f + 1).toString('base64'),
        ),
        expect: 403,
      });
    }
  }
  for (let u = 0; u < 20; u++) {
    shots.push({
      body: callback(
        `NO2099010100000${u}`,
        { status: 'FINISHED', approved: true },
        createToken(ITSM_APP_CODE, ITSM_SECRET),
      ),
      expect: 404,
    });
  }
  for (let m = 0; m < 20; m++) shots.push({ body: m % 2 ? '{"sn":' : '{"sn":"NO1"}', expect: 400 });
  expect(shots).toHaveLength(200);

  const answers = await Promise.all(
    shuffle(shots).map(async (shot, i) => {
      const res = await (i % 2 === 0 ? a : b).postCallback(shot.body, shot.contentType);
      return { want: shot.expect, got: res.status };
    }),
  );
  expect(answers.filter((x) => x.want !== x.got)).toEqual([]);

  for (const ap of approvals) {
    await approvalState(a, ap.id, approvedIds.has(ap.id) ? 'EXECUTED' : 'REJECTED', 15_000);
  }
  await new Promise((r) => setTimeout(r, 400)); // both workers sweep again
  expect((await executions(sandbox)) - before).toBe(approvedIds.size);
  const final = await Promise.all(approvals.map((ap) => a.store.approvals.get(ap.id)));
  const jobIds = final.filter((x) => x?.state === 'EXECUTED').map((x) => x?.jobId);
  expect(new Set(jobIds).size).toBe(approvedIds.size);
  for (const ap of approvals) {
    // One stored change per ticket (RUNNING → FINISHED), whatever the storm repeated.
    expect(await a.store.tickets.get(ap.ticketSn as string)).toMatchObject({
      status: 'FINISHED',
      version: 1,
    });
  }
}, 40_000);

describe('a worker that dies between approval and execution', () => {
  /** An approval ITSM approved and bk-graph stored as APPROVED, with no worker running it yet. */
  async function approvedWithoutWorker(w: World): Promise<Approval> {
    const ap = await w.approvals.requestJobPlanExecution(actorOf('alice'), requestFor(bizId, plan, 'crash'));
    await control(sandbox, 'POST', '/itsm/callbacks', { dropNext: 1 });
    await approve(sandbox, ap.ticketSn as string);
    // ITSM's decision reaches the store (as the reconcile loop would bring it): APPROVED, queued.
    await w.tickets.sync.settle([ap.ticketSn as string], 'test');
    // The worker that is about to die claims it and moves it on, as a worker does before launching.
    expect(await w.store.outbox.claim('dead-worker', 10, 60_000)).toContain(ap.id);
    return (await w.store.approvals.transition(ap.id, ['APPROVED'], 'EXECUTING')) as Approval;
  }

  let lonely: World;
  beforeAll(async () => {
    // Stop the storm's workers: from here on only the workers these tests start run approvals.
    await Promise.all([a.worker?.stop(), b.worker?.stop()]);
    lonely = await startWorld(sandbox, {
      kind: 'postgres',
      schema,
      owner: false,
      worker: false,
      pendingStaleMs: 300,
    });
  });
  afterAll(async () => {
    await lonely.close();
  });

  it('is taken over once its claim is stale, and the approval runs exactly once', async () => {
    const ap = await approvedWithoutWorker(lonely);
    const before = await executions(sandbox);
    const worker = lonely.startWorker({ claimStaleMs: 800, launchDeadlineMs: 500, sweepIntervalMs: 200 });
    try {
      const done = await approvalState(lonely, ap.id, 'EXECUTED');
      expect(done.jobId).toEqual(expect.any(String));
      await new Promise((r) => setTimeout(r, 500));
      expect((await executions(sandbox)) - before).toBe(1);
    } finally {
      await worker.stop();
    }
  });

  it('when it may already have called JOB (its key is claimed, no answer recorded), ends AMBIGUOUS and runs nothing', async () => {
    const ap = await approvedWithoutWorker(lonely);
    // What the dead worker's launcher wrote before calling JOB: the key, pending.
    const actor = systemActor(ap.createdBy, ap.tenantId, 'dead', Date.now());
    const input = validateExecution({
      kind: 'plan',
      bizId: ap.bizId,
      planId: ap.planId,
      variables: openVariables(TEST_SECRETS, ap),
    });
    await lonely.store.idempotency.claim({
      identity: identityOf(actor),
      key: runKey(ap),
      operation: 'executeJobPlan',
      inputHash: executionHash('executeJobPlan', input, ap.id),
    });
    const before = await executions(sandbox);
    const worker = lonely.startWorker({ claimStaleMs: 800, launchDeadlineMs: 500, sweepIntervalMs: 200 });
    try {
      const settled = await approvalState(lonely, ap.id, 'AMBIGUOUS');
      expect(settled.note).toMatch(/may or may not have started/);
      expect((await executions(sandbox)) - before).toBe(0);
    } finally {
      await worker.stop();
    }
  });

  it('when JOB had accepted the job before it died, records that job without a second call', async () => {
    const ap = await approvedWithoutWorker(lonely);
    const before = await executions(sandbox);
    // The dead worker's launch went through; only the approval's move to EXECUTED was lost.
    const actor = systemActor(ap.createdBy, ap.tenantId, 'dead', Date.now() + 10_000);
    const job = await lonely.jobs.launch(
      actor,
      { kind: 'plan', bizId: ap.bizId, planId: ap.planId, variables: openVariables(TEST_SECRETS, ap) },
      { idempotencyKey: runKey(ap), approvalId: ap.id },
    );
    const worker = lonely.startWorker({ claimStaleMs: 800, launchDeadlineMs: 500, sweepIntervalMs: 200 });
    try {
      const done = await approvalState(lonely, ap.id, 'EXECUTED');
      expect(done.jobId).toBe(job.id);
      expect((await executions(sandbox)) - before).toBe(1);
    } finally {
      await worker.stop();
    }
  });

  it('two workers racing for the same stale claim start one job', async () => {
    const ap = await approvedWithoutWorker(lonely);
    const before = await executions(sandbox);
    const workers = [a, b, lonely].map((w) =>
      w.startWorker({ claimStaleMs: 800, launchDeadlineMs: 500, sweepIntervalMs: 100 }),
    );
    try {
      await approvalState(lonely, ap.id, 'EXECUTED');
      await eventually(
        async () => (await executions(sandbox)) - before,
        (n) => n >= 1,
      );
      await new Promise((r) => setTimeout(r, 500));
      expect((await executions(sandbox)) - before).toBe(1);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  });
});
