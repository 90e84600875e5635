import { randomUUID } from 'node:crypto';
import { ITSM_APP_CODE, ITSM_SECRET } from '../src/sandbox/apis/itsm/handlers';
import { createToken } from '../src/sandbox/apis/itsm/token';
import {
  RequestJobPlanExecutionDocument,
  TicketDocument,
  type ApprovalFieldsFragment,
} from './__generated__/graphql';
import {
  ALICE,
  approvalIn,
  approveInItsm,
  dropItsmCallbacks,
  graphqlAt,
  journal,
  planExecutions,
  quickPlan,
  requestInput,
  type GraphQL,
} from './approvals.helpers';
import { eventually, storeQuery } from './jobs.helpers';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { startReplica, stopReplica, type Replica } from './helpers/replica';
import { dropSchema, testSchema, TEST_DATABASE_URL } from './helpers/server';

/**
 * Two bk-graph processes (`src/main.ts`, as deployed) on one Postgres schema, configured as against
 * a real BlueKing and pointed at one standalone sandbox: a storm of ITSM callbacks split across
 * both, and processes killed with SIGKILL around an approved run. The sandbox's JOB records count
 * the execute_job_plan calls.
 */

const EXECUTE = 'job.system.execute_job_plan';

let sandbox: TestSandbox;
const schema = testSchema('t_areplicas');
let env: Record<string, string>;
let replicas: Replica[] = [];
/** GraphQL against replica i, whichever process it is now (they are restarted below). */
const replica = (i: number): GraphQL => graphqlAt(() => replicas[i]!.url);
let plan: Awaited<ReturnType<typeof quickPlan>>;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  env = {
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'error',
    WATCH_ENABLED: '0',
    BK_API_URL_TMPL: `${sandbox.url}/api/{api_name}/`,
    BK_COMPONENT_API_URL: sandbox.url,
    BK_APP_CODE: 'bk-graph',
    BK_APP_SECRET: 'sandbox-secret',
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: schema,
    BK_GRAPH_ADMINS: 'admin',
    ITSM_APPROVAL_SERVICE_ID: '17',
    ITSM_SERVICE_USERNAME: 'admin',
    ITSM_SERVICE_ACCESS_TOKEN: 'at-admin',
    // One replica at a time reconciles (a lease of 1.5 intervals, at least 5 s); every 2 s here.
    RECONCILE_INTERVAL_S: '2',
    // A hanging execute_job_plan is given up after this (its outcome then unknown).
    BK_UPSTREAM_TIMEOUT_MS: '3000',
  };
  // Started together: the store's migrations run once, under their advisory lock.
  const started = await Promise.allSettled([startReplica(env), startReplica(env)]);
  replicas = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  plan = await quickPlan(replica(0));
}, 90_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => stopReplica(r)));
  await sandbox?.close();
  await dropSchema(TEST_DATABASE_URL, schema);
});

afterEach(async () => {
  await sandbox.faults({});
  await dropItsmCallbacks(sandbox.url, 0);
});

async function request(graphql: GraphQL, reason: string): Promise<ApprovalFieldsFragment> {
  const res = await graphql(
    RequestJobPlanExecutionDocument,
    { input: requestInput(plan, { reason, idempotencyKey: randomUUID() }) },
    ALICE,
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.requestJobPlanExecution.approval;
}

/** An ITSM callback body (CONTRACTS.md §7.10) claiming `claims`, signed with `token`. */
function callbackBody(sn: string, claims: { status: string; approved: boolean }, token: string): string {
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

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const executeCalls = async () => (await journal(sandbox.url, EXECUTE)).length;

describe('two bk-graph processes sharing one Postgres', () => {
  it('take 200 concurrent callbacks (duplicates, forged, reordered, unknown, malformed): every approval runs exactly one job', async () => {
    const approvals = await Promise.all(
      Array.from({ length: 20 }, (_, i) => request(replica(i % 2), `storm ${i}`)),
    );
    // ITSM approves them all but loses every callback: the storm below is what bk-graph hears
    // (besides the reconcile loop, which races it as it would in production).
    await dropItsmCallbacks(sandbox.url, approvals.length);
    for (const a of approvals) {
      const decision = await approveInItsm(sandbox.url, a.ticket.sn);
      expect(decision.callback).toMatchObject({ dropped: true });
    }
    const executionsBefore = await planExecutions(sandbox.url);
    const callsBefore = await executeCalls();

    const shots: { body: string; want: number }[] = [];
    const signed = () => createToken(ITSM_APP_CODE, ITSM_SECRET);
    for (const a of approvals) {
      for (let d = 0; d < 5; d++)
        shots.push({
          body: callbackBody(a.ticket.sn, { status: 'FINISHED', approved: true }, signed()),
          want: 200,
        });
      // Reordered: an older RUNNING report, validly signed, may arrive after the FINISHED ones.
      shots.push({
        body: callbackBody(a.ticket.sn, { status: 'RUNNING', approved: false }, signed()),
        want: 200,
      });
      // Forged: a token ITSM never made.
      for (let f = 0; f < 2; f++) {
        const forged = Buffer.alloc(32, f + 1).toString('base64');
        shots.push({
          body: callbackBody(a.ticket.sn, { status: 'FINISHED', approved: true }, forged),
          want: 403,
        });
      }
    }
    for (let u = 0; u < 20; u++)
      shots.push({
        body: callbackBody(`NO2099010100000${u}`, { status: 'FINISHED', approved: true }, signed()),
        want: 404,
      });
    for (let m = 0; m < 20; m++) shots.push({ body: m % 2 ? '{"sn":' : '{"sn":"NO1"}', want: 400 });
    expect(shots).toHaveLength(200);

    const answers = await Promise.all(
      shuffle(shots).map(async (shot, i) => {
        const res = await fetch(`${replicas[i % 2]!.url}/callbacks/itsm`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: shot.body,
        });
        const body = (await res.json()) as { code?: unknown };
        return { want: shot.want, got: res.status, code: body.code };
      }),
    );
    expect(answers.filter((a) => a.want !== a.got)).toEqual([]);
    expect(answers.filter((a) => a.got === 200).every((a) => a.code === 0)).toBe(true);

    const done = await Promise.all(
      approvals.map((a, i) => approvalIn(replica(i % 2), a.id, 'EXECUTED', ALICE, 30_000)),
    );
    await new Promise((r) => setTimeout(r, 1500)); // both workers sweep again: still nothing more
    expect((await planExecutions(sandbox.url)) - executionsBefore).toBe(approvals.length);
    expect((await executeCalls()) - callsBefore).toBe(approvals.length);
    expect(new Set(done.map((a) => a.job!.id)).size).toBe(approvals.length);
    for (const a of approvals) {
      // One stored change per ticket (RUNNING → FINISHED), whatever the storm repeated.
      const res = await replica(0)(TicketDocument, { sn: a.ticket.sn }, ALICE);
      expect(res.body.data!.ticket).toMatchObject({ status: 'FINISHED', approveResult: true, version: 1 });
    }
  }, 90_000);
});

describe('a process killed with SIGKILL', () => {
  it('while its execute_job_plan is in flight leaves the approval AMBIGUOUS after restart, never run again', async () => {
    await sandbox.faults({ apis: [EXECUTE], hangNext: 1 });
    const approval = await request(replica(0), 'crash mid-call');
    const callsBefore = await executeCalls();
    await approveInItsm(sandbox.url, approval.ticket.sn);
    // The call has reached JOB (and hangs there): whether JOB accepted it is now unknowable.
    await eventually(async () => ((await executeCalls()) > callsBefore ? true : undefined));
    const [claim] = await storeQuery<{ claimed_by: string }>(
      schema,
      'SELECT claimed_by FROM job_outbox WHERE approval_id = $1',
      [approval.id],
    );
    const index = replicas.findIndex((r) => claim!.claimed_by.endsWith(`:${r.child.pid}`));
    expect(index).toBeGreaterThanOrEqual(0);
    await stopReplica(replicas[index], 'SIGKILL');
    await approvalIn(replica(1 - index), approval.id, 'EXECUTING');

    replicas[index] = await startReplica(env);
    // A dead worker's claim is taken over once stale (5 min) and its pending key counts as
    // abandoned after 2 min: those are the production settings, not configurable. Instead of
    // waiting them out, the test moves those two rows' clocks back.
    await storeQuery(
      schema,
      "UPDATE job_outbox SET claimed_at = claimed_at - interval '1 hour' WHERE approval_id = $1",
      [approval.id],
    );
    await storeQuery(
      schema,
      "UPDATE idempotency_keys SET created_at = created_at - interval '1 hour' WHERE key = $1",
      [`approval:${approval.id}`],
    );
    const settled = await approvalIn(replica(index), approval.id, 'AMBIGUOUS', ALICE, 20_000);
    expect(settled.note).toMatch(/may or may not have started/);
    expect(settled.job).toBeNull();
    await new Promise((r) => setTimeout(r, 1500));
    expect((await executeCalls()) - callsBefore).toBe(1);
    expect((await approvalIn(replica(1 - index), approval.id, 'AMBIGUOUS')).job).toBeNull();
  }, 90_000);

  it('after ITSM approved but before bk-graph heard of it runs the approval exactly once after restart', async () => {
    const approval = await request(replica(0), 'crash before the run');
    const executionsBefore = await planExecutions(sandbox.url);
    // Every process dies: nothing alive knows of the approval any more.
    await Promise.all(replicas.map((r) => stopReplica(r, 'SIGKILL')));
    // ITSM calls back the process that filed the ticket: it is dead, so the callback fails.
    const decision = await approveInItsm(sandbox.url, approval.ticket.sn);
    expect(decision.callback).toMatchObject({ ok: false });
    const [row] = await storeQuery<{ state: string }>(schema, 'SELECT state FROM approvals WHERE id = $1', [
      approval.id,
    ]);
    expect(row?.state).toBe('PENDING');

    // Restarted, a reconcile round (once the dead holder's lease lapsed) finds ITSM's decision in
    // callback_failed_ticket and ticket_approval_result; one worker runs it.
    replicas = await Promise.all([startReplica(env), startReplica(env)]);
    const done = await approvalIn(replica(1), approval.id, 'EXECUTED', ALICE, 30_000);
    expect(done.job).not.toBeNull();
    await new Promise((r) => setTimeout(r, 1500));
    expect((await planExecutions(sandbox.url)) - executionsBefore).toBe(1);
  }, 90_000);
});
