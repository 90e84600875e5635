import { randomUUID } from 'node:crypto';
import type { StoreKind } from '../../src/store';
import type { JobPlanDetail } from '../../src/upstream/domain';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { notePgliteSkipped, randomSchema, STORE_KINDS } from '../store/fixture';
import { alicesPlan, approvalState, requestFor } from './approvals.harness';
import {
  actorOf,
  approve,
  calls,
  control,
  eventually,
  executions,
  reject,
  startWorld,
  type World,
} from './tickets.harness';

/**
 * requestJobPlanExecution end to end: ticket first, the job once ITSM approves, exactly once; on
 * Postgres and on the embedded PGlite.
 */

let sandbox: TestSandbox;
const alice = () => actorOf('alice');
notePgliteSkipped('the approval flow');

beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

describe.each(STORE_KINDS)('an approval on %s', (kind: StoreKind) => {
  let world: World;
  let bizId: string;
  let plan: JobPlanDetail;

  beforeAll(async () => {
    world = await startWorld(sandbox, { kind, schema: randomSchema('aflow') });
    ({ bizId, plan } = await alicesPlan(world));
  });
  afterAll(async () => {
    await world.close();
  });

  it('approved in ITSM runs the plan exactly once and ends EXECUTED with its job, publishing each step', async () => {
    const before = await executions(sandbox);
    const approval = await world.approvals.requestJobPlanExecution(alice(), requestFor(bizId, plan));
    expect(approval).toMatchObject({ state: 'PENDING', createdBy: 'alice', bizId, planId: plan.id });
    const sn = approval.ticketSn as string;
    const approvalEvents = world.collect(`approval:${approval.id}`);
    const ticketEvents = world.collect(`ticket:${sn}`);
    await new Promise((r) => setTimeout(r, 100)); // the subscriptions are listening

    await approve(sandbox, sn);
    const done = await approvalState(world, approval.id, 'EXECUTED');
    expect(done.jobId).toEqual(expect.any(String));
    expect(await world.store.jobs.get(done.jobId as string)).toMatchObject({
      approvalId: approval.id,
      createdBy: 'alice',
    });
    expect((await executions(sandbox)) - before).toBe(1);

    await eventually(
      async () => approvalEvents,
      (e) => e.length >= 3,
    );
    // One event per change; NOTIFYs from different connections may arrive in either order.
    expect(approvalEvents.map((e) => e.state).sort()).toEqual(['APPROVED', 'EXECUTED', 'EXECUTING']);
    expect(ticketEvents).toEqual([{ sn, status: 'FINISHED', approveResult: true, version: 1 }]);

    // Later sweeps and reconcile rounds change nothing.
    const reconciler = world.reconciler();
    await reconciler.runOnce();
    await reconciler.stop();
    await new Promise((r) => setTimeout(r, 400));
    expect((await executions(sandbox)) - before).toBe(1);
    expect(await world.store.approvals.get(approval.id)).toMatchObject({
      state: 'EXECUTED',
      jobId: done.jobId,
    });
  });

  it('rejected in ITSM ends REJECTED and runs nothing', async () => {
    const before = await executions(sandbox);
    const approval = await world.approvals.requestJobPlanExecution(alice(), requestFor(bizId, plan));
    await reject(sandbox, approval.ticketSn as string);
    await approvalState(world, approval.id, 'REJECTED');
    await new Promise((r) => setTimeout(r, 400));
    expect((await executions(sandbox)) - before).toBe(0);
    expect(await world.store.approvals.get(approval.id)).toMatchObject({ state: 'REJECTED', jobId: null });
  });
});

describe('requestJobPlanExecution', () => {
  let world: World;
  let bizId: string;
  let plan: JobPlanDetail;

  beforeAll(async () => {
    world = await startWorld(sandbox, { kind: 'postgres', schema: randomSchema('areq') });
    ({ bizId, plan } = await alicesPlan(world));
  });
  afterAll(async () => {
    await world.close();
  });

  it('describes the run for the approver: plan, business, variables, hosts, steps, reason; never a password', async () => {
    const approval = await world.approvals.requestJobPlanExecution(alice(), requestFor(bizId, plan));
    const ctx = { credentials: alice().credentials, tenantId: 'default', requestId: 'read-form' };
    const info = await world.clients.itsm.ticketInfo(approval.ticketSn as string, ctx);
    const form = Object.fromEntries(info.fields.map((f) => [f.key, String(f.value)]));
    expect(info.title).toContain(plan.name);
    expect(form.job_plan).toBe(`${plan.name} (plan ${plan.id})`);
    expect(form.business).toMatch(new RegExp(`\\(business ${bizId}\\)$`));
    expect(form.reason).toBe('release 1.5.0 to production');
    expect(form.requested_by).toBe('alice');
    expect(form.bk_graph_approval_id).toBe(approval.id);
    const hosts = plan.variables.find((v) => v.type === 'HOST_LIST')!;
    expect(form.target_hosts).toBe(`2 hosts (bk_host_id ${hosts.hostIds.slice(0, 2).join(', ')})`);
    const str = plan.variables.find((v) => v.type === 'STRING')!;
    expect(form.variables).toContain(`${str.name} = "1.5.0"`);
    expect(form.variables).toContain('******** (password, hidden)');
    expect(form.steps).toMatch(/^1\. /);
    expect(JSON.stringify(info)).not.toContain('s3cr3t-Pa55');
    const entries = await world.store.audit.listByActor('alice', { offset: 0, limit: 50 });
    expect(JSON.stringify(entries.items)).not.toContain('s3cr3t-Pa55');
    expect(entries.items).toContainEqual(
      expect.objectContaining({
        action: 'requestJobPlanExecution',
        outcome: 'ok',
        target: `plan ${plan.id} in business ${bizId}`,
      }),
    );
  });

  it('with the same key answers the same approval and files one ticket', async () => {
    const key = `k-${randomUUID()}`;
    const before = await calls(sandbox, 'itsm.create_ticket');
    const [a, b] = await Promise.all([
      world.approvals.requestJobPlanExecution(alice(), requestFor(bizId, plan), { idempotencyKey: key }),
      world.approvals.requestJobPlanExecution(alice(), requestFor(bizId, plan), { idempotencyKey: key }),
    ]);
    expect(a.id).toBe(b.id);
    expect((await calls(sandbox, 'itsm.create_ticket')) - before).toBe(1);
  });

  it('is FORBIDDEN, with the permission to apply for, when the caller may not see the plan; no ticket is filed', async () => {
    const before = await calls(sandbox, 'itsm.create_ticket');
    await expect(
      world.approvals.requestJobPlanExecution(actorOf('bob'), requestFor(bizId, plan)),
    ).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN', permission: expect.objectContaining({ system_id: 'bk_job' }) },
    });
    expect(await calls(sandbox, 'itsm.create_ticket')).toBe(before);
    const entries = await world.store.audit.listByActor('bob', { offset: 0, limit: 10 });
    expect(entries.items[0]).toMatchObject({
      action: 'requestJobPlanExecution',
      outcome: 'failed: FORBIDDEN',
    });
  });

  it.each([
    ['an unknown plan', { planId: '999999' }, 'input.planId'],
    ['an unknown variable', { variables: [{ name: 'nope', value: 'x' }] }, 'input.variables[0]'],
    [
      'hosts for a value variable',
      { variables: [{ name: 'version', hostIds: ['1'] }] },
      'input.variables[0].value',
    ],
    ['no reason', { reason: '  ' }, 'input.reason'],
    ['a business that is not a number', { businessId: 'abc' }, 'input.businessId'],
  ])('rejects %s as BAD_USER_INPUT naming the field, filing nothing', async (_what, bad, field) => {
    const before = await calls(sandbox, 'itsm.create_ticket');
    await expect(
      world.approvals.requestJobPlanExecution(alice(), { ...requestFor(bizId, plan), ...bad }),
    ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field } });
    expect(await calls(sandbox, 'itsm.create_ticket')).toBe(before);
  });

  it('ends REJECTED when the requester withdraws the ticket', async () => {
    const approval = await world.approvals.requestJobPlanExecution(alice(), requestFor(bizId, plan));
    await world.tickets.operate(alice(), { sn: approval.ticketSn as string, action: 'WITHDRAW' });
    await approvalState(world, approval.id, 'REJECTED');
  });

  it('is visible to its creator and admins only; lists are per creator unless admin', async () => {
    const approval = await world.approvals.requestJobPlanExecution(alice(), requestFor(bizId, plan));
    expect((await world.approvals.get(alice(), approval.id))?.id).toBe(approval.id);
    expect((await world.approvals.get(actorOf('admin'), approval.id))?.id).toBe(approval.id);
    expect(await world.approvals.get(actorOf('bob'), approval.id)).toBeNull();
    expect((await world.approvals.list(actorOf('bob'))).items).toEqual([]);
    const mine = await world.approvals.list(alice(), { state: 'PENDING', limit: 1000 });
    expect(mine.items.map((a) => a.id)).toContain(approval.id);
    expect(mine.items.every((a) => a.state === 'PENDING' && a.createdBy === 'alice')).toBe(true);
    await expect(world.approvals.get(alice(), 'not-a-uuid')).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'id' },
    });
  });
});

describe('approvals({state}) and the reconcile loop', () => {
  it('an approval whose callback was lost is approved and run by the next reconcile round', async () => {
    const world = await startWorld(sandbox, { kind: 'postgres', schema: randomSchema('arec') });
    try {
      const { bizId, plan } = await alicesPlan(world);
      const before = await executions(sandbox);
      const approval = await world.approvals.requestJobPlanExecution(alice(), requestFor(bizId, plan));
      await control(sandbox, 'POST', '/itsm/callbacks', { dropNext: 1 });
      await approve(sandbox, approval.ticketSn as string);
      expect(await world.store.approvals.get(approval.id)).toMatchObject({ state: 'PENDING' });
      const reconciler = world.reconciler();
      await reconciler.runOnce();
      await reconciler.stop();
      await approvalState(world, approval.id, 'EXECUTED');
      expect((await executions(sandbox)) - before).toBe(1);
    } finally {
      await control(sandbox, 'POST', '/itsm/callbacks', {});
      await world.close();
    }
  });
});
