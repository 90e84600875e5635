import type { JobPlanDetail } from '../../src/upstream/domain';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { randomSchema } from '../store/fixture';
import { alicesPlan, approvalState, requestFor } from './approvals.harness';
import { actorOf, approve, executions, startWorld, type World } from './tickets.harness';

/**
 * What happens when JOB's answer to an approved run is unknown (AMBIGUOUS) or a refusal (FAILED),
 * and how an operator settles it with resolveApproval.
 */

let sandbox: TestSandbox;
let world: World;
let bizId: string;
let plan: JobPlanDetail;
const alice = () => actorOf('alice');

beforeAll(async () => {
  sandbox = await startTestSandbox();
  world = await startWorld(sandbox, {
    kind: 'postgres',
    schema: randomSchema('ares'),
    launchDeadlineMs: 500,
  });
  ({ bizId, plan } = await alicesPlan(world));
});
afterAll(async () => {
  await world.close();
  await sandbox.close();
});
afterEach(async () => {
  await sandbox.faults({});
});

/** An approval approved in ITSM whose execute_job_plan hangs past the launch deadline. */
async function ambiguous() {
  await sandbox.faults({ apis: ['job.system.execute_job_plan'], hangNext: 1 });
  const approval = await world.approvals.requestJobPlanExecution(alice(), requestFor(bizId, plan));
  await approve(sandbox, approval.ticketSn as string);
  return approvalState(world, approval.id, 'AMBIGUOUS');
}

describe('when JOB may or may not have started the approved job', () => {
  it('the approval is AMBIGUOUS with a note, and is never run again by itself', async () => {
    const before = await executions(sandbox);
    const a = await ambiguous();
    expect(a.note).toMatch(/may or may not have started/);
    await sandbox.faults({});
    await new Promise((r) => setTimeout(r, 700)); // two sweeps
    expect(await world.store.approvals.get(a.id)).toMatchObject({ state: 'AMBIGUOUS' });
    expect((await executions(sandbox)) - before).toBe(0);
  });

  it('MARK_EXECUTED settles it as executed, audited with the note', async () => {
    const a = await ambiguous();
    const done = await world.approvals.resolveApproval(
      alice(),
      a.id,
      'MARK_EXECUTED',
      'JOB shows instance 42 ran',
    );
    expect(done).toMatchObject({ state: 'EXECUTED', decidedBy: 'alice', note: 'JOB shows instance 42 ran' });
    const entries = await world.store.audit.listByActor('alice', { offset: 0, limit: 20 });
    expect(entries.items).toContainEqual(
      expect.objectContaining({
        action: 'resolveApproval',
        target: `approval ${a.id}`,
        detail: expect.objectContaining({ decision: 'MARK_EXECUTED', note: 'JOB shows instance 42 ran' }),
      }),
    );
  });

  it('RUN_AGAIN by an admin runs it once more under a new key', async () => {
    const a = await ambiguous();
    const before = await executions(sandbox);
    const next = await world.approvals.resolveApproval(
      actorOf('admin'),
      a.id,
      'RUN_AGAIN',
      'JOB has no such job',
    );
    expect(next).toMatchObject({ state: 'APPROVED', decidedBy: 'admin' });
    const done = await approvalState(world, a.id, 'EXECUTED');
    expect((await executions(sandbox)) - before).toBe(1);
    const job = await world.store.jobs.get(done.jobId as string);
    expect(job).toMatchObject({ approvalId: a.id });
    const key = await world.store.idempotency.get(
      'default:alice',
      `approval:${a.id}:again:${done.version - 1}`,
    );
    expect(key).toMatchObject({ state: 'done' });
  });

  it('MARK_FAILED, then RUN_AGAIN, runs it', async () => {
    const a = await ambiguous();
    expect(
      await world.approvals.resolveApproval(alice(), a.id, 'MARK_FAILED', 'JOB never got it'),
    ).toMatchObject({
      state: 'FAILED',
    });
    await world.approvals.resolveApproval(alice(), a.id, 'RUN_AGAIN', 'try once more');
    await approvalState(world, a.id, 'EXECUTED');
  });
});

describe('when JOB refuses the approved job', () => {
  it('the approval is FAILED with the reason, and RUN_AGAIN runs it once the cause is fixed', async () => {
    await sandbox.faults({ apis: ['job.system.execute_job_plan'], noPermissionNext: 1 });
    const approval = await world.approvals.requestJobPlanExecution(alice(), requestFor(bizId, plan));
    await approve(sandbox, approval.ticketSn as string);
    const failed = await approvalState(world, approval.id, 'FAILED');
    expect(failed.note).toMatch(/did not start the job \(FORBIDDEN\)/);
    const before = await executions(sandbox);
    await world.approvals.resolveApproval(alice(), approval.id, 'RUN_AGAIN', 'permission granted');
    await approvalState(world, approval.id, 'EXECUTED');
    expect((await executions(sandbox)) - before).toBe(1);
  });
});

describe('resolveApproval refuses', () => {
  it.each([
    ['RUN_AGAIN of a PENDING approval', 'RUN_AGAIN', 'why', 'decision'],
    ['MARK_EXECUTED of a PENDING approval', 'MARK_EXECUTED', 'why', 'decision'],
    ['an empty note', 'MARK_FAILED', '   ', 'note'],
    ['an unknown decision', 'DELETE', 'why', 'decision'],
  ])('%s as BAD_USER_INPUT', async (_what, decision, note, field) => {
    const approval = await world.approvals.requestJobPlanExecution(alice(), requestFor(bizId, plan));
    await expect(
      world.approvals.resolveApproval(alice(), approval.id, decision as 'RUN_AGAIN', note),
    ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field } });
  });

  it("someone else's approval as NOT_FOUND", async () => {
    const a = await ambiguous();
    await expect(
      world.approvals.resolveApproval(actorOf('bob'), a.id, 'MARK_FAILED', 'mine now'),
    ).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    expect(await world.store.approvals.get(a.id)).toMatchObject({ state: 'AMBIGUOUS' });
  });
});
