import { ErrorCode, UpstreamError } from '../../errors';
import type { PermissionInfo, UpstreamErrorKind, UpstreamInfo } from '../../errors';
import type { ApiSpec } from '../types';

/** A response as read off the wire (header names lower-cased, as undici gives them). */
export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
}

type Json = Record<string, unknown>;

const NO_PERMISSION = 9900403;
const ESB_RATE_LIMIT = 1306429;
const ESB_COMMON_ERROR = 1306000;
const ESB_PERMISSION_DENIED = [1306402, 1306403];
const MAX_MESSAGE = 300;

// Reasons the gateways give when the app or user credentials are the problem (CONTRACTS.md §1.4,
// §1.5); other 1640001/1306000 answers are plain parameter errors.
const CREDENTIAL_REASON =
  /app[ _]?code|app[ _]?secret|bk_signature|app not found|user authentication|bk_username|bk_token|access_token|X-Bkapi-Authorization|not verified|login/i;

/**
 * Turns one upstream response into the API's data, or throws the UpstreamError it stands for
 * (CONTRACTS.md §1.4, §1.5, §2; BKLOG-PATTERNS.md §4, §9.2). Never copies the body, URL or headers
 * into the error: only BlueKing's code, message and request id.
 */
export function interpretResponse(spec: ApiSpec, res: RawResponse, now: () => number): unknown {
  const parsed = parseJson(res.text);
  if (res.status < 200 || res.status >= 300) {
    const body = parsed.ok && isObject(parsed.value) ? parsed.value : undefined;
    return throwHttpError(spec, res, body, now);
  }
  if (!parsed.ok)
    throw new UpstreamError(
      'malformed',
      `${name(spec)} answered with a body that is not JSON`,
      info(spec, res, undefined),
    );
  const body = parsed.value;
  if (spec.envelope === 'bare' || !isObject(body)) return body;
  // bk-login APIGW and bkpaas3 have no `result`: their 2xx answers are the success envelope.
  if (!('result' in body)) return 'data' in body ? body.data : body;
  if (body.result !== false) return body.data;
  return throwResultFalse(spec, res, body, now);
}

/**
 * The id BlueKing gave a successful answer (UpstreamAnswer.requestId): JOB's `job_request_id`, else
 * ESB's `request_id`, else the gateway's `X-Bkapi-Request-ID`. Parses the body again, so it is only
 * asked for by callWithMeta (writes, whose answers are small).
 */
export function answerRequestId(res: RawResponse): string | null {
  const parsed = parseJson(res.text);
  const body = parsed.ok && isObject(parsed.value) ? parsed.value : undefined;
  return (
    textOf(body?.job_request_id) ??
    textOf(body?.request_id) ??
    headerOf(res.headers, 'x-bkapi-request-id') ??
    null
  );
}

function throwHttpError(spec: ApiSpec, res: RawResponse, body: Json | undefined, now: () => number): never {
  // bk-login's own gateway: HTTP 4xx {"error": {"code": "VALIDATION_ERROR", "message"}}.
  const loginError = body && isObject(body.error) ? body.error : undefined;
  if (loginError) {
    const code = typeof loginError.code === 'string' ? loginError.code : undefined;
    const message = textOf(loginError.message) ?? code ?? `HTTP ${res.status}`;
    const kind: UpstreamErrorKind =
      code === 'VALIDATION_ERROR' || res.status === 401 ? 'auth' : kindByStatus(res.status, message);
    throw new UpstreamError(
      kind,
      failed(spec, message),
      info(spec, res, code),
      extraByStatus(res, kind, now),
    );
  }
  const code = body?.code ?? body?.bk_error_code;
  const message = textOf(body?.message) ?? textOf(body?.bk_error_msg) ?? `HTTP ${res.status}`;
  return throwGatewayError(spec, res, res.status, code, message, now, body);
}

/** Gateway errors by HTTP status (or, for status-rewritten 200s, the status inside the code). */
function throwGatewayError(
  spec: ApiSpec,
  res: RawResponse,
  status: number,
  code: unknown,
  message: string,
  now: () => number,
  body?: Json,
): never {
  const kind = kindByStatus(status, message);
  throw new UpstreamError(kind, failed(spec, message), info(spec, res, code, body), {
    ...extraByStatus(res, kind, now),
    ...(kind === 'gateway' && status === 403 ? { code: ErrorCode.FORBIDDEN } : {}),
  });
}

function kindByStatus(status: number, message: string): UpstreamErrorKind {
  if (status === 401) return 'auth';
  if (status === 400 && CREDENTIAL_REASON.test(message)) return 'auth';
  if (status === 429) return 'rate_limit';
  if (status === 504) return 'timeout';
  return 'gateway';
}

function extraByStatus(res: RawResponse, kind: UpstreamErrorKind, now: () => number) {
  if (kind !== 'rate_limit') return {};
  const seconds = retryAfterSeconds(res.headers, now);
  return seconds === undefined ? {} : { retryAfterSeconds: seconds };
}

function throwResultFalse(spec: ApiSpec, res: RawResponse, body: Json, now: () => number): never {
  const code = body.code ?? body.bk_error_code;
  const numeric = Number(code);
  const message = textOf(body.message) ?? textOf(body.bk_error_msg) ?? `code ${String(code)}`;
  // Gateways with bk-status-rewrite answer HTTP 200 with the gateway body; its 16SSSxx code carries
  // the real status SSS (1640001 → 400, 1642901 → 429, 1650401 → 504).
  if ('code_name' in body && numeric >= 1_600_000 && numeric < 1_700_000)
    return throwGatewayError(spec, res, Math.floor(numeric / 100) % 1000, code, message, now, body);
  const upstream = info(spec, res, code, body);
  if (numeric === NO_PERMISSION)
    throw new UpstreamError('permission', failed(spec, message), upstream, {
      ...(isObject(body.permission) ? { permission: permissionOf(body.permission) } : {}),
    });
  if (numeric >= ESB_COMMON_ERROR && numeric < ESB_COMMON_ERROR + 1000) {
    if (numeric === ESB_RATE_LIMIT) {
      const seconds = retryAfterSeconds(res.headers, now);
      throw new UpstreamError('rate_limit', failed(spec, message), upstream, {
        ...(seconds === undefined ? {} : { retryAfterSeconds: seconds }),
      });
    }
    if (numeric === ESB_COMMON_ERROR && CREDENTIAL_REASON.test(message))
      throw new UpstreamError('auth', failed(spec, message), upstream);
    throw new UpstreamError('gateway', failed(spec, message), upstream, {
      ...(ESB_PERMISSION_DENIED.includes(numeric) ? { code: ErrorCode.FORBIDDEN } : {}),
    });
  }
  throw new UpstreamError('business', failed(spec, message), upstream);
}

/** Keeps only the documented parts of the IAM permission object (CONTRACTS.md §2.1). */
function permissionOf(p: Json): PermissionInfo {
  return {
    ...(typeof p.system_id === 'string' ? { system_id: p.system_id } : {}),
    ...(typeof p.system_name === 'string' ? { system_name: p.system_name } : {}),
    ...(Array.isArray(p.actions) ? { actions: p.actions } : {}),
  };
}

/**
 * Seconds to wait before retrying, from `Retry-After` (seconds or an HTTP date) or the gateway's
 * `X-Bkapi-RateLimit-Reset` (seconds until the window resets; an epoch value is also accepted).
 */
export function retryAfterSeconds(headers: RawResponse['headers'], now: () => number): number | undefined {
  const retryAfter = headerOf(headers, 'retry-after');
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - now()) / 1000));
  }
  const reset = Number(headerOf(headers, 'x-bkapi-ratelimit-reset'));
  if (headerOf(headers, 'x-bkapi-ratelimit-reset') === undefined || !Number.isFinite(reset) || reset < 0)
    return undefined;
  return reset > 1e9 ? Math.max(0, Math.ceil(reset - now() / 1000)) : reset;
}

function info(spec: ApiSpec, res: RawResponse, code: unknown, body?: Json): UpstreamInfo {
  const requestId =
    headerOf(res.headers, 'x-bkapi-request-id') ?? textOf(body?.request_id) ?? textOf(body?.job_request_id);
  return {
    system: spec.system,
    api: spec.api,
    ...(typeof code === 'number' || (typeof code === 'string' && code !== '') ? { code } : {}),
    ...(requestId ? { requestId } : {}),
    httpStatus: res.status,
  };
}

function failed(spec: ApiSpec, message: string): string {
  const clean = message.replace(/\s+/g, ' ').trim();
  const short = clean.length > MAX_MESSAGE ? `${clean.slice(0, MAX_MESSAGE)}…` : clean;
  return `${name(spec)} failed: ${short}`;
}

function name(spec: ApiSpec): string {
  return `${spec.system}.${spec.api}`;
}

function headerOf(headers: RawResponse['headers'], key: string): string | undefined {
  const value = headers[key];
  return Array.isArray(value) ? value[0] : value;
}

function textOf(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}
