import { BadUserInputError } from '../../errors';
import type { JobPlanDetail, JobVariableType } from '../../upstream/domain';
import type { JobVariableInput } from '../jobs/types';
import type { ValidExecutionInput } from './approval-input';

/** A plan variable as the approved run will use it: the caller's value, else the plan's own. */
export interface PlanRunVariable {
  id: string;
  name: string;
  type: JobVariableType;
  value: string | null;
  hostIds: string[];
  /** Given in the request (not the plan's default). */
  given: boolean;
}

export interface ResolvedVariables {
  /** Every variable of the plan, as the run will see it (for the approver). */
  effective: PlanRunVariable[];
  /** What is sent to JOB: the given variables, by id. */
  toLaunch: JobVariableInput[];
}

/**
 * Matches the request's variables to the plan's (by id, else by name, as JOB does) and checks
 * their kind, so a request an approver signs off is one JOB will accept.
 */
export function resolveVariables(
  plan: JobPlanDetail,
  inputs: ValidExecutionInput['variables'],
): ResolvedVariables {
  const given = new Map<string, JobVariableInput>();
  inputs.forEach((input, i) => {
    const field = `input.variables[${i}]`;
    const v =
      input.id != null
        ? plan.variables.find((p) => p.id === input.id)
        : plan.variables.find((p) => p.name === input.name);
    if (!v) {
      const which = input.id != null ? `id ${input.id}` : `name ${JSON.stringify(input.name)}`;
      throw new BadUserInputError(`${field}: plan ${plan.id} has no variable with ${which}`, field);
    }
    if (given.has(v.id)) throw new BadUserInputError(`${field}: variable ${v.name} is given twice`, field);
    if (v.type === 'HOST_LIST' && input.hostIds == null)
      throw new BadUserInputError(
        `${field}.hostIds: ${v.name} is a host list: give hostIds`,
        `${field}.hostIds`,
      );
    if (v.type !== 'HOST_LIST' && input.value == null)
      throw new BadUserInputError(`${field}.value: ${v.name} takes a value, not hosts`, `${field}.value`);
    given.set(
      v.id,
      v.type === 'HOST_LIST'
        ? { id: v.id, hostIds: input.hostIds ?? [] }
        : { id: v.id, value: input.value ?? '' },
    );
  });
  const effective = plan.variables.map((v): PlanRunVariable => {
    const g = given.get(v.id);
    return {
      id: v.id,
      name: v.name,
      type: v.type,
      value: g ? (g.value ?? null) : v.value,
      hostIds: g ? (g.hostIds ?? []) : v.hostIds,
      given: g !== undefined,
    };
  });
  return { effective, toLaunch: [...given.values()] };
}
