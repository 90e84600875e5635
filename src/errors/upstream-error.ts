import { BkGraphError } from './bk-graph-error';
import { ErrorCode } from './codes';

/** What bk-graph tells a caller about the upstream call that failed: never its URL or body. */
export interface UpstreamInfo {
  system: string;
  api: string;
  /** BlueKing's own code (gateway 16xxxxx, ESB 1306xxx, CMDB 1199xxx, ...), when it gave one. */
  code?: number | string;
  /** X-Bkapi-Request-ID (APIGW) or the ESB body's request_id, for support tickets. */
  requestId?: string;
  httpStatus?: number;
}

/** The IAM permission object of a 9900403 answer, as BlueKing sends it (CONTRACTS.md §2.1). */
export interface PermissionInfo {
  system_id?: string;
  system_name?: string;
  actions?: unknown[];
  /** Where the caller can apply for the permission, when bk-graph knows the IAM URL. */
  applyUrl?: string;
}

/**
 * An upstream call failed. `kind` says how, so callers (retry, breaker, resolvers) can decide
 * without parsing messages; `code` is what the GraphQL caller sees.
 */
export type UpstreamErrorKind =
  | 'gateway' // APIGW/ESB refused or failed the call itself (HTTP != 200, or ESB 1306xxx)
  | 'business' // the BlueKing system answered result:false
  | 'permission' // 9900403 with a permission object
  | 'auth' // credentials rejected (1640001, bk-login VALIDATION_ERROR, 1306000 auth reasons)
  | 'rate_limit' // 429 / 1306429
  | 'timeout' // no answer before the per-attempt timeout or the request deadline
  | 'network' // connection refused / reset / closed mid-body
  | 'malformed' // the body was not the JSON the contract promises
  | 'unavailable'; // circuit breaker open: failed fast without calling

const codeByKind: Record<UpstreamErrorKind, ErrorCode> = {
  gateway: ErrorCode.UPSTREAM_ERROR,
  business: ErrorCode.UPSTREAM_ERROR,
  permission: ErrorCode.FORBIDDEN,
  auth: ErrorCode.UNAUTHENTICATED,
  rate_limit: ErrorCode.RATE_LIMITED,
  timeout: ErrorCode.UPSTREAM_TIMEOUT,
  network: ErrorCode.UPSTREAM_UNAVAILABLE,
  malformed: ErrorCode.UPSTREAM_ERROR,
  unavailable: ErrorCode.UPSTREAM_UNAVAILABLE,
};

export class UpstreamError extends BkGraphError {
  constructor(
    readonly kind: UpstreamErrorKind,
    message: string,
    readonly upstream: UpstreamInfo,
    readonly extra: {
      permission?: PermissionInfo;
      /** Seconds the gateway asked us to wait (Retry-After / X-Bkapi-RateLimit-Reset). */
      retryAfterSeconds?: number;
      /** Override of the GraphQL code (e.g. a gateway 403 1640301 is FORBIDDEN, 404 is UPSTREAM_ERROR). */
      code?: ErrorCode;
    } = {},
  ) {
    super(extra.code ?? codeByKind[kind], message, {
      upstream,
      ...(extra.permission ? { permission: extra.permission } : {}),
      ...(extra.retryAfterSeconds !== undefined ? { retryAfterSeconds: extra.retryAfterSeconds } : {}),
    });
    this.name = 'UpstreamError';
  }
}

export function isUpstreamError(e: unknown): e is UpstreamError {
  return e instanceof UpstreamError;
}
