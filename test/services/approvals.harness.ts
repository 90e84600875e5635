import type { Approval } from '../../src/store';
import type { JobPlanDetail } from '../../src/upstream/domain';
import { actorOf, eventually, type World } from './tickets.harness';

/** A plan alice may run: the first business whose plans she can list, and a plan that succeeds. */
export async function alicesPlan(world: World): Promise<{ bizId: string; plan: JobPlanDetail }> {
  const ctx = { credentials: actorOf('alice').credentials, tenantId: 'default', requestId: 'find-plan' };
  const businesses = await world.clients.cmdb.searchBusiness({ start: 0, limit: 50 }, ctx);
  for (const b of businesses.items) {
    const plans = await world.clients.job
      .planList({ bizId: b.id, start: 0, limit: 50 }, ctx)
      .catch(() => null);
    const runnable = plans?.items.find((p) => p.name !== 'chaos drill');
    if (runnable)
      return {
        bizId: b.id,
        plan: await world.clients.job.planDetail({ bizId: b.id, planId: runnable.id }, ctx),
      };
  }
  throw new Error('alice can run no plan in the sandbox');
}

/** A request for `plan` with a value for every kind of variable (the password one included). */
export function requestFor(bizId: string, plan: JobPlanDetail, reason = 'release 1.5.0 to production') {
  const byType = (type: string) => plan.variables.find((v) => v.type === type);
  const hosts = byType('HOST_LIST');
  const variables = [
    { name: byType('STRING')?.name, value: '1.5.0' },
    { name: byType('PASSWORD')?.name, value: 's3cr3t-Pa55' },
    ...(hosts ? [{ id: hosts.id, hostIds: hosts.hostIds.slice(0, 2) }] : []),
  ].filter((v) => v.name !== undefined || 'id' in v);
  return { businessId: bizId, planId: plan.id, variables, reason };
}

export async function approvalState(
  world: World,
  id: string,
  state: Approval['state'],
  ms = 10_000,
): Promise<Approval> {
  const approval = await eventually(
    () => world.store.approvals.get(id),
    (a) => a?.state === state,
    ms,
  );
  return approval as Approval;
}
