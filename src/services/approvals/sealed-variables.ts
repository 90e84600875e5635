import type { Approval } from '../../store';
import type { JobVariableInput } from '../jobs/types';
import type { ValidExecutionInput } from './approval-input';
import type { PlanRunVariable } from './plan-variables';
import { SecretsUnreadableError, type SecretBox } from './secret-box';

/**
 * How an approval stores the variables of its run. `approvals.variables` holds what JOB gets, in
 * order, except that a PASSWORD variable's value is replaced by `{ id, sealed: true }`; the values
 * so replaced are in `approvals.secrets`, one AES-256-GCM ciphertext of `{ [variableId]: value }`
 * bound to the approval's id (secret-box.ts). Only the worker opens it, right before
 * execute_job_plan. Rows stored before this scheme have no sealed entries and run as they are.
 */

type StoredVariable = JobVariableInput | { id: string; sealed: true };

const isSealed = (v: unknown): v is { id: string; sealed: true } =>
  typeof v === 'object' && v !== null && (v as { sealed?: unknown }).sealed === true;

/** The run's variables as stored: passwords sealed into `secrets` (null when there is none). */
export function sealVariables(
  box: SecretBox,
  approvalId: string,
  effective: readonly PlanRunVariable[],
  toLaunch: readonly JobVariableInput[],
): { variables: StoredVariable[]; secrets: string | null } {
  const passwords = new Set(effective.filter((v) => v.type === 'PASSWORD').map((v) => v.id));
  const values: Record<string, string> = {};
  const variables = toLaunch.map((v): StoredVariable => {
    if (!v.id || !passwords.has(v.id)) return v;
    values[v.id] = v.value ?? '';
    return { id: v.id, sealed: true };
  });
  const secrets = Object.keys(values).length ? box.seal(JSON.stringify(values), approvalId) : null;
  return { variables, secrets };
}

/** Whether the approval's run needs values from `secrets`. */
export function hasSealedVariables(approval: Pick<Approval, 'variables'>): boolean {
  return Array.isArray(approval.variables) && approval.variables.some(isSealed);
}

/**
 * The variables to send to JOB, sealed values opened. Throws SecretsUnreadableError when they do
 * not open (another key, damaged) or were erased.
 */
export function openVariables(
  box: SecretBox,
  approval: Pick<Approval, 'id' | 'variables' | 'secrets'>,
): JobVariableInput[] {
  const stored = (approval.variables as unknown[] | null) ?? [];
  if (!stored.some(isSealed)) return stored as JobVariableInput[];
  if (approval.secrets === null)
    throw new SecretsUnreadableError("the run's password values were erased; request the run anew");
  let values: unknown;
  try {
    values = JSON.parse(box.open(approval.secrets, approval.id));
  } catch (error) {
    if (error instanceof SecretsUnreadableError) throw error;
    throw new SecretsUnreadableError('the sealed password values are not what bk-graph sealed');
  }
  return stored.map((v) => {
    if (!isSealed(v)) return v as JobVariableInput;
    const value = (values as Record<string, unknown> | null)?.[v.id];
    if (typeof value !== 'string')
      throw new SecretsUnreadableError(`the sealed password values lack variable ${v.id}`);
    return { id: v.id, value };
  });
}

/**
 * The request as its idempotency key fingerprints it: every variable's value replaced by its keyed
 * digest. Which variables are passwords is known only once the plan is read, after the key is
 * claimed, so all values are digested: a repeat still matches, and the stored hash can no longer
 * be checked against guessed passwords without the store key.
 */
export function fingerprintInput<T extends Pick<ValidExecutionInput, 'variables'>>(
  box: SecretBox,
  input: T,
): T {
  return {
    ...input,
    variables: input.variables.map((v) => (v.value == null ? v : { ...v, value: box.digest(v.value) })),
  };
}
