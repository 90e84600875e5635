import { BadUserInputError } from '../../errors';
import { JOB_LIMITS } from '../../upstream/job';
import type { ScriptLanguage as JobScriptLanguage } from '../../upstream/job';
import type { ExecutionRequest, JobVariableInput, PlanExecution, ScriptExecution } from './types';

/**
 * Checks an execution request before anything is stored or sent, and returns it in one canonical
 * form (ids as plain decimal strings, host lists without repeats, defaults filled in), so the
 * same request always hashes alike. Every problem is a BAD_USER_INPUT naming the mutation's field
 * (`input.timeoutSeconds`), in the words of the GraphQL input, not of JOB's wire.
 */

export interface ValidVariable {
  id?: string;
  name?: string;
  value?: string;
  hostIds?: string[];
}

export interface ValidPlan {
  kind: 'plan';
  bizId: string;
  planId: string;
  variables: ValidVariable[];
}

export interface ValidScript {
  kind: 'script';
  bizId: string;
  script?: string;
  scriptId?: string;
  language?: JobScriptLanguage;
  params?: string;
  sensitiveParams: boolean;
  timeoutSeconds: number;
  accountAlias?: string;
  accountId?: string;
  hostIds: string[];
  name?: string;
}

export type ValidExecution = ValidPlan | ValidScript;

export interface ValidationLimits {
  /** @default JOB_LIMITS.targetHosts */
  maxTargetHosts?: number;
}

/** JOB's variable lists are short; this only stops an unbounded one. */
const MAX_VARIABLES = 200;
const MAX_KEY_CHARS = 255;
// JOB's stored-script ids are 32 hex characters (get_script_list); allow a little more shape.
const SCRIPT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const LANGUAGES: ReadonlySet<string> = new Set(['SHELL', 'BAT', 'PERL', 'PYTHON', 'POWERSHELL']);

export function validateExecution(request: ExecutionRequest, limits: ValidationLimits = {}): ValidExecution {
  const maxHosts = limits.maxTargetHosts ?? JOB_LIMITS.targetHosts;
  if (request.kind === 'plan') return validatePlan(request, maxHosts);
  if (request.kind === 'script') return validateScript(request, maxHosts);
  throw new BadUserInputError('the execution must be a plan or a script', 'input');
}

/** A caller's idempotency key, trimmed; null when none was given. */
export function validateKey(key: string | null | undefined): string | null {
  if (key === undefined || key === null) return null;
  const trimmed = key.trim();
  if (trimmed === '' || trimmed.length > MAX_KEY_CHARS)
    throw new BadUserInputError(
      `idempotencyKey must be 1 to ${MAX_KEY_CHARS} characters, but got ${trimmed.length}`,
      'input.idempotencyKey',
    );
  return trimmed;
}

/** A numeric id as BlueKing wants it, in one spelling (`007` and `7` are the same host). */
export function numericId(value: unknown, field: string): string {
  const s = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
  if (!/^\d{1,15}$/.test(s))
    throw new BadUserInputError(`${field} must be a numeric id, but got: ${JSON.stringify(value)}`, field);
  return String(Number(s));
}

function hostList(ids: unknown, field: string, maxHosts: number): string[] {
  if (!Array.isArray(ids) || ids.length === 0)
    throw new BadUserInputError(`${field} must name at least one host`, field);
  const unique = [...new Set(ids.map((id, i) => numericId(id, `${field}[${i}]`)))];
  if (unique.length > maxHosts)
    throw new BadUserInputError(
      `${field} names ${unique.length} hosts, but one execution may target at most ${maxHosts}`,
      field,
    );
  // Order does not change what runs where, so it must not change the request's hash either.
  return unique.sort((a, b) => Number(a) - Number(b));
}

function optionalText(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new BadUserInputError(`${field} must be a string`, field);
  return value;
}

function validatePlan(request: PlanExecution, maxHosts: number): ValidPlan {
  const bizId = numericId(request.bizId, 'input.businessId');
  const planId = numericId(request.planId, 'input.planId');
  const given = request.variables ?? [];
  if (!Array.isArray(given) || given.length > MAX_VARIABLES)
    throw new BadUserInputError(`variables must be a list of at most ${MAX_VARIABLES}`, 'input.variables');
  return { kind: 'plan', bizId, planId, variables: given.map((v, i) => validateVariable(v, i, maxHosts)) };
}

function validateVariable(v: JobVariableInput, i: number, maxHosts: number): ValidVariable {
  const field = `input.variables[${i}]`;
  const hasId = v.id !== undefined && v.id !== null;
  const name = optionalText(v.name, `${field}.name`)?.trim();
  if (!hasId && !name) throw new BadUserInputError('a variable needs an id or a name', `${field}.id`);
  const value = optionalText(v.value, `${field}.value`);
  const hasHosts = v.hostIds !== undefined && v.hostIds !== null;
  if (value === undefined && !hasHosts)
    throw new BadUserInputError('a variable needs a value, or hostIds for a host list', `${field}.value`);
  return {
    // JOB matches by id when there is one (§4.1): a name beside it would be ignored, so it is dropped.
    ...(hasId ? { id: numericId(v.id, `${field}.id`) } : { name }),
    ...(value !== undefined ? { value } : {}),
    ...(hasHosts ? { hostIds: hostList(v.hostIds, `${field}.hostIds`, maxHosts) } : {}),
  };
}

function validateScript(request: ScriptExecution, maxHosts: number): ValidScript {
  const bizId = numericId(request.bizId, 'input.businessId');
  const script = optionalText(request.script, 'input.script');
  const scriptId = optionalText(request.scriptId, 'input.scriptId');
  if ((script === undefined) === (scriptId === undefined))
    throw new BadUserInputError('give the script text or a scriptId, exactly one of them', 'input.script');

  let language: JobScriptLanguage | undefined;
  if (script !== undefined) {
    if (script.trim() === '') throw new BadUserInputError('script must not be empty', 'input.script');
    const bytes = Buffer.byteLength(script, 'utf8');
    if (bytes > JOB_LIMITS.scriptBytes)
      throw new BadUserInputError(
        `script is ${bytes} bytes, but may be at most ${JOB_LIMITS.scriptBytes}`,
        'input.script',
      );
    const given = request.language ?? undefined;
    if (given === undefined)
      throw new BadUserInputError('language is required with script', 'input.language');
    if (!LANGUAGES.has(given))
      throw new BadUserInputError(
        given === 'SQL'
          ? 'SQL scripts run through JOB fast_execute_sql, which bk-graph does not offer'
          : `language must be one of ${[...LANGUAGES].join(', ')}`,
        'input.language',
      );
    language = given as JobScriptLanguage;
  } else if (scriptId !== undefined && !SCRIPT_ID.test(scriptId)) {
    throw new BadUserInputError(
      `scriptId is not a JOB script id: ${JSON.stringify(scriptId)}`,
      'input.scriptId',
    );
  }

  const sensitiveParams = request.sensitiveParams === true;
  const params = optionalText(request.params, 'input.params');
  if (params !== undefined) {
    const max = sensitiveParams ? JOB_LIMITS.sensitiveScriptParamBytes : JOB_LIMITS.scriptParamBytes;
    const bytes = Buffer.byteLength(params, 'utf8');
    if (bytes > max)
      throw new BadUserInputError(
        `params are ${bytes} bytes, but may be at most ${max}${sensitiveParams ? ' when sensitive' : ''}`,
        'input.params',
      );
  }

  const { min, max, default: fallback } = JOB_LIMITS.timeoutSeconds;
  const timeoutSeconds = request.timeoutSeconds ?? fallback;
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < min || timeoutSeconds > max)
    throw new BadUserInputError(
      `timeoutSeconds must be an integer from ${min} to ${max}, but got ${timeoutSeconds}`,
      'input.timeoutSeconds',
    );

  const accountAlias = optionalText(request.accountAlias, 'input.accountAlias')?.trim() || undefined;
  const accountId =
    request.accountId === undefined || request.accountId === null
      ? undefined
      : numericId(request.accountId, 'input.accountId');
  if (accountAlias === undefined && accountId === undefined)
    throw new BadUserInputError('accountAlias or accountId is required', 'input.accountAlias');

  const name = optionalText(request.name, 'input.name')?.trim() || undefined;
  if (name !== undefined && name.length > JOB_LIMITS.taskNameChars)
    throw new BadUserInputError(
      `name is ${name.length} characters, but may be at most ${JOB_LIMITS.taskNameChars}`,
      'input.name',
    );

  return {
    kind: 'script',
    bizId,
    ...(script !== undefined ? { script, language } : { scriptId }),
    ...(params !== undefined && params !== '' ? { params } : {}),
    sensitiveParams,
    timeoutSeconds,
    // JOB uses the id when both are given (§4.2): keep only what it will use.
    ...(accountId !== undefined ? { accountId } : { accountAlias }),
    hostIds: hostList(request.hostIds, 'input.hostIds', maxHosts),
    ...(name !== undefined ? { name } : {}),
  };
}

/** Hosts the execution names itself (a plan's host variables); null when it names none (the plan's own). */
export function targetHostCount(input: ValidExecution): number | null {
  if (input.kind === 'script') return input.hostIds.length;
  const hosts = new Set(input.variables.flatMap((v) => v.hostIds ?? []));
  return hosts.size === 0 ? null : hosts.size;
}
