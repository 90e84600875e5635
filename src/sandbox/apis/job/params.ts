import type { SandboxContext, SbRequest } from '../../types';
import { SbBizError } from '../../types';

/** JOB error codes the sandbox answers with (CONTRACTS.md §4.7; texts from message_en.properties). */
export const JobCode = {
  MISSING_OR_INVALID: 1241007,
  INVALID_WITH_REASON: 1241010,
  PLAN_NOT_FOUND: 1243009,
  HOSTS_INVALID: 1244002,
  JOB_NOT_FOUND: 1244006,
  STEP_NOT_FOUND: 1244007,
  /** job-gateway, app-mode resources without an operator: HTTP 401 (§1.2). */
  MISSING_USER_INFO: 1247002,
} as const;

/** Largest `length` of JOB's paged lists (§4.5, §4.8). */
export const MAX_PAGE_LENGTH = 1000;

export function missingOrInvalid(name: string): SbBizError {
  return new SbBizError(JobCode.MISSING_OR_INVALID, `Missing or invalid request parameter [${name}]`);
}

export function invalid(name: string, reason: string): SbBizError {
  return new SbBizError(
    JobCode.INVALID_WITH_REASON,
    `Invalid request parameter [${name}], reason: ${reason}`,
  );
}

/** A request field from the JSON body (POST, ESB) or the query string (APIGW GET). */
export function field(req: SbRequest, name: string): unknown {
  const v = req.body[name];
  return v === undefined ? req.query[name] : v;
}

/** Integers arrive as JSON numbers (POST) or strings (GET query): accept both, nothing else. */
export function optionalInt(req: SbRequest, name: string): number | undefined {
  const v = field(req, name);
  if (v === undefined || v === null || v === '') return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw missingOrInvalid(name);
  return n;
}

export function requiredInt(req: SbRequest, name: string): number {
  const n = optionalInt(req, name);
  if (n === undefined) throw missingOrInvalid(name);
  return n;
}

export function optionalString(req: SbRequest, name: string): string | undefined {
  const v = field(req, name);
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  throw missingOrInvalid(name);
}

export function flag(req: SbRequest, name: string): boolean {
  const v = field(req, name);
  return v === true || v === 'true' || v === 1 || v === '1';
}

/** `start` (default 0) and `length` (default 20, 1–1000) of JOB's paged lists. */
export function parsePage(req: SbRequest): { start: number; length: number } {
  const start = optionalInt(req, 'start') ?? 0;
  const length = optionalInt(req, 'length') ?? 20;
  if (start < 0) throw invalid('start', 'must be greater than or equal to 0');
  if (length < 1 || length > MAX_PAGE_LENGTH) {
    throw invalid('length', `must be between 1 and ${MAX_PAGE_LENGTH}`);
  }
  return { start, length };
}

export interface Scope {
  bizId: number;
  scopeType: 'biz';
  scopeId: string;
}

/**
 * `bk_scope_type` + `bk_scope_id` (a string); the deprecated `bk_biz_id` still works when both are
 * absent. Business sets are not seeded, so `biz_set` scopes are refused.
 */
export function parseScope(ctx: SandboxContext, req: SbRequest): Scope {
  const type = optionalString(req, 'bk_scope_type');
  const id = optionalString(req, 'bk_scope_id');
  let bizId: number;
  if (type === undefined && id === undefined) {
    const legacy = optionalInt(req, 'bk_biz_id');
    if (legacy === undefined) throw missingOrInvalid('bk_scope_type/bk_scope_id');
    bizId = legacy;
  } else {
    if (type === undefined) throw missingOrInvalid('bk_scope_type');
    if (type !== 'biz' && type !== 'biz_set') throw missingOrInvalid('bk_scope_type');
    if (type === 'biz_set') throw invalid('bk_scope_type', 'no business set exists in the sandbox');
    if (id === undefined || !/^\d+$/.test(id)) throw missingOrInvalid('bk_scope_id');
    bizId = Number(id);
  }
  if (!ctx.data.businesses.some((b) => b.bk_biz_id === bizId)) throw missingOrInvalid('bk_scope_id');
  return { bizId, scopeType: 'biz', scopeId: String(bizId) };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes a base64 parameter, or throws 1241010 naming it. */
export function decodeBase64(name: string, value: string): string {
  if (value === '' || !BASE64.test(value)) throw invalid(name, 'must be base64 encoded');
  return Buffer.from(value, 'base64').toString('utf8');
}

/** JOB's IAM actions, as its permission answers name them. */
export const JobAction = {
  quickExecuteScript: { id: 'quick_execute_script', name: '快速执行脚本' },
  launchJobPlan: { id: 'launch_job_plan', name: '执行方案执行' },
  viewJobPlan: { id: 'view_job_plan', name: '执行方案查看' },
  viewHistory: { id: 'view_history', name: '查看执行历史' },
  viewScript: { id: 'view_script', name: '脚本查看' },
} as const;
