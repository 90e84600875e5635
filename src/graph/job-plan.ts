import type { Loaders } from '../loaders';
import { inBizKey } from '../loaders/host.loaders';
import type { HostRef } from '../loaders/refs';
import type { JobPlan, JobPlanDetail, JobPlanVariable, Page } from '../upstream/domain';
import { wireId } from '../upstream/ids';
import { stepTypeOf, type StepTypeName } from './job-view';
import type { PageRequest } from './connection';

/** A plan as the `JobPlan` type resolves it: from a list (no detail yet) or from its detail. */
export type JobPlanNode = JobPlan | JobPlanDetail;

/** A plan variable with the business its hosts are looked up in. */
export interface JobVariableNode extends JobPlanVariable {
  businessId: string;
}

export interface JobPlanStepNode {
  id: string;
  name: string;
  type: StepTypeName;
}

/** One window of a business's plans (`Query.jobPlans`). */
export function planPage(
  loaders: Loaders,
  businessId: string,
  name: string | null | undefined,
  window: PageRequest,
): Promise<Page<JobPlan>> {
  const bizId = String(wireId(businessId, 'businessId'));
  return loaders.jobPlanPages.load({ bizId, ...(name ? { name } : {}), ...window });
}

/** One plan with its variables and steps (`Query.jobPlan`); null when JOB has no such plan there. */
export function planById(loaders: Loaders, businessId: string, id: string): Promise<JobPlanDetail | null> {
  return loaders.jobPlanById.load(`${wireId(businessId, 'businessId')}:${wireId(id, 'id')}`);
}

async function detailOf(loaders: Loaders, plan: JobPlanNode): Promise<JobPlanDetail | null> {
  if ('variables' in plan) return plan;
  return loaders.jobPlanById.load(`${plan.businessId}:${plan.id}`);
}

/** A plan's variables: a listed plan reads its detail (one get_job_plan_detail per plan). */
export async function planVariables(loaders: Loaders, plan: JobPlanNode): Promise<JobVariableNode[]> {
  const detail = await detailOf(loaders, plan);
  return (detail?.variables ?? []).map((v) => ({ ...v, businessId: plan.businessId }));
}

export async function planSteps(loaders: Loaders, plan: JobPlanNode): Promise<JobPlanStepNode[]> {
  const detail = await detailOf(loaders, plan);
  return (detail?.steps ?? []).map((s) => ({ id: s.id, name: s.name, type: stepTypeOf(s.type) }));
}

/**
 * A HOST_LIST variable's hosts through the read graph (batched with every host of the response);
 * hosts no longer in the business are left out. Null for other variable types.
 */
export async function variableHosts(loaders: Loaders, v: JobVariableNode): Promise<HostRef[] | null> {
  if (v.type !== 'HOST_LIST') return null;
  const hosts = await Promise.all(v.hostIds.map((id) => loaders.hostInBiz.load(inBizKey(v.businessId, id))));
  return hosts.filter((h): h is HostRef => h !== null);
}
