import { randomUUID } from 'node:crypto';
import {
  ApprovalDocument,
  ApprovalsDocument,
  ApprovalUpdatedDocument,
  AuditDetailsDocument,
  JobUpdatedDocument,
  RequestJobPlanExecutionDocument,
  ResolveApprovalDocument,
  TicketDocument,
  type RequestJobPlanExecutionInput,
} from './__generated__/graphql';
import {
  ADMIN,
  ALICE,
  APPROVAL_SERVICE,
  approvalIn,
  approveInItsm,
  BOB,
  dropItsmCallbacks,
  itsmTicket,
  journal,
  planExecutions,
  quickPlan,
  rejectInItsm,
  requestInput,
  sandboxCall,
} from './approvals.helpers';
import { eventually, subscribe } from './jobs.helpers';
import { startTestServer, type TestServer } from './helpers/server';

/**
 * Approval-gated plan runs through the front door: requestJobPlanExecution over HTTP, the sandbox's
 * ITSM deciding the ticket and calling POST /callbacks/itsm, the outbox worker running the plan in
 * the sandbox's JOB (whose own records count the execute_job_plan calls), approvalUpdated and
 * jobUpdated over graphql-ws, and the reconcile loop repairing a callback ITSM lost.
 */

const RECONCILE_INTERVAL_S = 1;
let server: TestServer;
let plan: Awaited<ReturnType<typeof quickPlan>>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  server = await startTestServer({
    WATCH_ENABLED: '0',
    RECONCILE_INTERVAL_S: String(RECONCILE_INTERVAL_S),
    // bob, who may see no business, is bk-graph's admin here; admin is an ordinary caller.
    BK_GRAPH_ADMINS: 'bob',
    // An execute_job_plan that hangs is given up after this: its outcome is then unknown.
    BK_UPSTREAM_TIMEOUT_MS: '1500',
    SANDBOX_JOB_MS: '100',
  });
  plan = await quickPlan((doc, vars, headers) => server.graphql(doc, vars, headers));
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await server.faults({});
  await dropItsmCallbacks(server.sandboxUrl, 0);
});

async function request(
  overrides: Partial<RequestJobPlanExecutionInput> = {},
  headers: Record<string, string> = ALICE,
) {
  const res = await server.graphql(
    RequestJobPlanExecutionDocument,
    { input: requestInput(plan, { idempotencyKey: randomUUID(), ...overrides }) },
    headers,
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.requestJobPlanExecution.approval;
}

const STATE_ORDER = ['PENDING', 'APPROVED', 'EXECUTING', 'EXECUTED'];

describe('requestJobPlanExecution', () => {
  it('answers a PENDING approval whose RUNNING ticket describes the run to its approvers', async () => {
    const before = await planExecutions(server.sandboxUrl);
    const approval = await request({ reason: 'release 1.5.0 to production' });
    expect(approval).toMatchObject({
      state: 'PENDING',
      businessId: plan.businessId,
      planId: plan.id,
      serviceId: APPROVAL_SERVICE,
      reason: 'release 1.5.0 to production',
      createdBy: 'alice',
      job: null,
      ticket: { status: 'RUNNING', ended: false, approveResult: null },
    });
    const ticket = await server.graphql(TicketDocument, { sn: approval.ticket.sn }, ALICE);
    const text = ticket.body.data!.ticket!.fields!.map((f) => `${f.value ?? ''}`).join('\n');
    expect(text).toContain(plan.name);
    expect(text).toContain('release 1.5.0 to production');
    expect(await planExecutions(server.sandboxUrl)).toBe(before);
  });

  it('with the same idempotencyKey twice answers one approval and files one ticket', async () => {
    const key = randomUUID();
    const first = await request({ idempotencyKey: key });
    const again = await request({ idempotencyKey: key });
    expect(again.id).toBe(first.id);
    expect(again.ticket.sn).toBe(first.ticket.sn);
    const creates = (await journal(server.sandboxUrl, 'itsm.create_ticket')).filter((r) =>
      r.body?.includes(first.id),
    );
    expect(creates).toHaveLength(1);
  });

  it('refuses an empty reason as BAD_USER_INPUT naming input.reason', async () => {
    const res = await server.graphql(
      RequestJobPlanExecutionDocument,
      { input: requestInput(plan, { reason: '   ' }) },
      ALICE,
    );
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.reason' });
  });
});

describe('when the sandbox approves the ticket', () => {
  it('the callback makes it EXECUTING, then EXECUTED with its job, live over approvalUpdated; jobUpdated follows the job', async () => {
    const approval = await request();
    const before = await planExecutions(server.sandboxUrl);
    const sub = subscribe(
      server.url,
      ApprovalUpdatedDocument,
      { id: approval.id },
      { bk_token: 'token-alice' },
    );
    try {
      await eventually(async () => (sub.events.length > 0 ? true : undefined));
      // JOB takes a second to accept the run, so EXECUTING lasts long enough to be seen.
      await server.faults({ apis: ['job.system.execute_job_plan'], latencyMs: 1000 });
      const decision = await approveInItsm(server.sandboxUrl, approval.ticket.sn);
      expect(decision).toMatchObject({ current_status: 'FINISHED', approve_result: true });
      expect(decision.callback).toMatchObject({ status: 200, ok: true });
      await sub.done;
    } finally {
      await sub.close();
    }
    for (const e of sub.events) expect(e.errors).toBeUndefined();
    const states = sub.events.map((e) => e.data!.approvalUpdated.state);
    expect(states[0]).toBe('PENDING');
    expect(states).toContain('EXECUTING');
    expect(states.at(-1)).toBe('EXECUTED');
    // In order, each state at most once.
    const positions = states.map((s) => STATE_ORDER.indexOf(s));
    expect(positions.every((p, i) => p >= 0 && (i === 0 || p > positions[i - 1]!))).toBe(true);
    const job = sub.events.at(-1)!.data!.approvalUpdated.job!;
    expect(job).toMatchObject({ businessId: plan.businessId, id: expect.stringMatching(/^\d+$/) });
    expect((await planExecutions(server.sandboxUrl)) - before).toBe(1);

    const jobSub = subscribe(
      server.url,
      JobUpdatedDocument,
      { businessId: plan.businessId, id: job.id },
      { bk_token: 'token-alice' },
    );
    try {
      await jobSub.done;
    } finally {
      await jobSub.close();
    }
    for (const e of jobSub.events) expect(e.errors).toBeUndefined();
    const jobs = jobSub.events.map((e) => e.data!.jobUpdated);
    expect(jobs.every((j) => j.id === job.id)).toBe(true);
    expect(jobs.at(-1)).toMatchObject({ finished: true });
    expect(jobs.at(-1)!.steps.map((s) => s.name)).toEqual(plan.steps.map((s) => s.name));

    const read = await server.graphql(ApprovalDocument, { id: approval.id }, ALICE);
    expect(read.body.data!.approval).toMatchObject({
      state: 'EXECUTED',
      job: { id: job.id, finished: true },
      ticket: { sn: approval.ticket.sn, status: 'FINISHED', approveResult: true, ended: true },
    });
  });
});

describe('when the sandbox rejects the ticket', () => {
  it('the approval is REJECTED and JOB records no execute_job_plan', async () => {
    const approval = await request();
    const before = await planExecutions(server.sandboxUrl);
    const decision = await rejectInItsm(server.sandboxUrl, approval.ticket.sn);
    expect(decision).toMatchObject({ current_status: 'FINISHED', approve_result: false });
    const rejected = await approvalIn(server.graphql, approval.id, 'REJECTED');
    expect(rejected).toMatchObject({ job: null, ticket: { status: 'FINISHED', approveResult: false } });
    await sleep(1500); // the workers sweep, the reconcile loop runs: still nothing may start
    expect((await planExecutions(server.sandboxUrl)) - before).toBe(0);
    expect((await approvalIn(server.graphql, approval.id, 'REJECTED')).job).toBeNull();
  });
});

describe('approvals', () => {
  it("lists the caller's own; an admin of bk-graph (BK_GRAPH_ADMINS) sees everyone's", async () => {
    const alices = await request();
    const admins = await request({}, ADMIN);

    const ids = async (headers: Record<string, string>, state?: 'PENDING') => {
      const res = await server.graphql(ApprovalsDocument, { state, first: 1000 }, headers);
      expect(res.body.errors).toBeUndefined();
      return res.body.data!.approvals;
    };
    const ofAlice = await ids(ALICE);
    expect(ofAlice.nodes.map((a) => a.id)).toContain(alices.id);
    expect(ofAlice.nodes.map((a) => a.id)).not.toContain(admins.id);
    expect(ofAlice.nodes.every((a) => a.createdBy === 'alice')).toBe(true);
    expect(ofAlice.totalCount).toBe(ofAlice.nodes.length);
    const ofAdmin = await ids(ADMIN);
    expect(ofAdmin.nodes.map((a) => a.id)).toEqual([admins.id]);
    const ofBob = await ids(BOB, 'PENDING');
    expect(ofBob.nodes.map((a) => a.id)).toEqual(expect.arrayContaining([alices.id, admins.id]));
    expect(ofBob.nodes.every((a) => a.state === 'PENDING')).toBe(true);
    // Newest first.
    expect(ofBob.nodes.map((a) => a.id).indexOf(admins.id)).toBeLessThan(
      ofBob.nodes.map((a) => a.id).indexOf(alices.id),
    );

    const hidden = await server.graphql(ApprovalDocument, { id: admins.id }, ALICE);
    expect(hidden.body.errors).toBeUndefined();
    expect(hidden.body.data!.approval).toBeNull();
    const seen = await server.graphql(ApprovalDocument, { id: alices.id }, BOB);
    expect(seen.body.data!.approval).toMatchObject({ id: alices.id, createdBy: 'alice' });
  });
});

describe('resolveApproval', () => {
  /** Approved in ITSM, but JOB's execute_job_plan hangs until bk-graph gives up: AMBIGUOUS. */
  async function ambiguous() {
    await server.faults({ apis: ['job.system.execute_job_plan'], hangNext: 1 });
    const approval = await request();
    await approveInItsm(server.sandboxUrl, approval.ticket.sn);
    return approvalIn(server.graphql, approval.id, 'AMBIGUOUS');
  }

  it('RUN_AGAIN on an AMBIGUOUS approval runs exactly one more job, and the decision is in auditLog', async () => {
    const stuck = await ambiguous();
    expect(stuck.note).toMatch(/may or may not have started/);
    expect(stuck.job).toBeNull();
    const before = await planExecutions(server.sandboxUrl);
    await sleep(1500); // never run again by itself
    expect((await approvalIn(server.graphql, stuck.id, 'AMBIGUOUS')).job).toBeNull();
    expect(await planExecutions(server.sandboxUrl)).toBe(before);

    const note = 'JOB has no instance of it: run it';
    const res = await server.graphql(
      ResolveApprovalDocument,
      { id: stuck.id, decision: 'RUN_AGAIN', note },
      ALICE,
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.resolveApproval.approval).toMatchObject({
      id: stuck.id,
      state: 'APPROVED',
      decidedBy: 'alice',
      note,
    });
    const done = await approvalIn(server.graphql, stuck.id, 'EXECUTED');
    expect(done.job).toMatchObject({ businessId: plan.businessId });
    await sleep(1000);
    expect((await planExecutions(server.sandboxUrl)) - before).toBe(1);

    const audit = await server.graphql(AuditDetailsDocument, { first: 50 }, ALICE);
    expect(audit.body.errors).toBeUndefined();
    expect(audit.body.data!.auditLog.nodes).toContainEqual(
      expect.objectContaining({
        actor: 'alice',
        action: 'resolveApproval',
        target: `approval ${stuck.id}`,
        outcome: 'ok',
        detail: expect.objectContaining({ decision: 'RUN_AGAIN', note, from: 'AMBIGUOUS', to: 'APPROVED' }),
      }),
    );

    // Settled: nothing more to decide.
    const again = await server.graphql(
      ResolveApprovalDocument,
      { id: stuck.id, decision: 'RUN_AGAIN', note: 'once more' },
      ALICE,
    );
    expect(again.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'decision' });
  });

  it('MARK_EXECUTED settles an AMBIGUOUS approval without running anything', async () => {
    const stuck = await ambiguous();
    const before = await planExecutions(server.sandboxUrl);
    const res = await server.graphql(
      ResolveApprovalDocument,
      { id: stuck.id, decision: 'MARK_EXECUTED', note: 'JOB shows it ran' },
      ALICE,
    );
    expect(res.body.data!.resolveApproval.approval).toMatchObject({ state: 'EXECUTED', decidedBy: 'alice' });
    await sleep(1000);
    expect(await planExecutions(server.sandboxUrl)).toBe(before);
  });

  it('refuses to decide a PENDING approval (BAD_USER_INPUT naming decision), and an empty note', async () => {
    const approval = await request();
    const pending = await server.graphql(
      ResolveApprovalDocument,
      { id: approval.id, decision: 'RUN_AGAIN', note: 'why not' },
      ALICE,
    );
    expect(pending.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'decision' });
    const noNote = await server.graphql(
      ResolveApprovalDocument,
      { id: approval.id, decision: 'MARK_FAILED', note: ' ' },
      ALICE,
    );
    expect(noNote.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note' });
    expect((await approvalIn(server.graphql, approval.id, 'PENDING')).decidedBy).toBeNull();
  });
});

describe('a callback ITSM never delivered', () => {
  it('is repaired by the reconcile loop within one RECONCILE_INTERVAL_S, and other apps’ failed callbacks are left alone', async () => {
    const foreign = await sandboxCall<{ sn: string; callback_failed: boolean }>(
      server.sandboxUrl,
      'POST',
      '/itsm/tickets/foreign',
      { failedCallback: true },
    );
    const approval = await request();
    await dropItsmCallbacks(server.sandboxUrl, 1);
    const decision = await approveInItsm(server.sandboxUrl, approval.ticket.sn);
    expect(decision.callback).toMatchObject({ dropped: true });

    // approval(id) reads the store only: what it shows, the reconcile loop brought.
    const finished = await eventually(
      async () => {
        const res = await server.graphql(ApprovalDocument, { id: approval.id }, ALICE);
        const a = res.body.data?.approval;
        return a && a.ticket.status === 'FINISHED' ? a : undefined;
      },
      { timeoutMs: RECONCILE_INTERVAL_S * 1000 + 1500, everyMs: 50 },
    );
    expect(finished.ticket).toMatchObject({ approveResult: true, ended: true });
    const done = await approvalIn(server.graphql, approval.id, 'EXECUTED');
    expect(done.job).not.toBeNull();

    // ITSM's failed-callback list was acknowledged for ours only.
    expect((await itsmTicket(server.sandboxUrl, approval.ticket.sn)).callback_failed).toBe(false);
    await sleep(RECONCILE_INTERVAL_S * 1000 + 500); // one more round
    expect((await itsmTicket(server.sandboxUrl, foreign.sn)).callback_failed).toBe(true);
    const asked = await journal(server.sandboxUrl, 'itsm.ticket_approval_result');
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.some((r) => r.body?.includes(foreign.sn))).toBe(false);
  });
});
