import { BadUserInputError, isUpstreamError } from '../../errors';
import type { JobPlanDetail } from '../../upstream/domain';
import type { Clients } from '../../upstream/clients';
import type { Actor } from '../actor';
import { validateExecution, type JobVariableInput } from '../jobs';
import { actorContext } from '../tickets/service-account';
import type { ValidExecutionInput } from './approval-input';
import { resolveVariables, type PlanRunVariable } from './plan-variables';

export interface PlanLookup {
  plan: JobPlanDetail;
  /** From CMDB; null when it could not be read. */
  businessName: string | null;
  /** Every plan variable as the run will see it (for the ticket). */
  effective: PlanRunVariable[];
  /** What the approved run sends to JOB, in the launcher's canonical form. */
  toLaunch: JobVariableInput[];
}

/** JOB's "job plan does not exist" codes (CONTRACTS.md §4.1). */
const PLAN_NOT_FOUND = new Set<number | string>([1243009, 1244012]);

/**
 * The plan as the actor sees it (get_job_plan_detail with their credentials: FORBIDDEN, with the
 * permission to apply for, passes through), the request's variables matched against it, and the
 * launcher's own checks run now: an approved run must not fail on input an approver signed off.
 */
export async function lookUpPlan(
  clients: Pick<Clients, 'job' | 'cmdb'>,
  actor: Actor,
  input: ValidExecutionInput,
): Promise<PlanLookup> {
  const ctx = actorContext(actor);
  let plan;
  try {
    plan = await clients.job.planDetail({ bizId: input.businessId, planId: input.planId }, ctx);
  } catch (error) {
    if (
      isUpstreamError(error) &&
      error.kind === 'business' &&
      PLAN_NOT_FOUND.has(error.upstream.code ?? '')
    ) {
      throw new BadUserInputError(
        `input.planId: business ${input.businessId} has no job plan ${input.planId}`,
        'input.planId',
      );
    }
    throw error;
  }
  // The name only helps the approver read the ticket; without it the id still says which.
  const businessName = await clients.cmdb
    .searchBusiness({ ids: [input.businessId], start: 0, limit: 1 }, ctx)
    .then((page) => page.items[0]?.name ?? null)
    .catch(() => null);
  const { effective, toLaunch } = resolveVariables(plan, input.variables);
  const launch = validateExecution({
    kind: 'plan',
    bizId: input.businessId,
    planId: input.planId,
    variables: toLaunch,
  });
  return { plan, businessName, effective, toLaunch: launch.kind === 'plan' ? launch.variables : [] };
}
