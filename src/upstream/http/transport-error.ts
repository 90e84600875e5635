import { UpstreamError } from '../../errors';
import type { UpstreamInfo } from '../../errors';
import type { ApiSpec } from '../types';

// Library errors are matched by `code` (undici's advice), never by class: the error may come from
// a dispatcher the caller injected, or from Node's net layer.
const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'ETIMEDOUT',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/** Timeouts caused by the caller's deadline or cancellation say nothing about the upstream's health. */
const callerAborts = new WeakSet<UpstreamError>();

export function isCallerAbort(e: UpstreamError): boolean {
  return callerAborts.has(e);
}

/** Failures known to have happened before any byte of the request left bk-graph. */
const neverSent = new WeakSet<UpstreamError>();

// The connection was never made: nothing of the request can have reached BlueKing.
const NOT_CONNECTED_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export function markNeverSent<E>(e: E): E {
  if (e instanceof UpstreamError) neverSent.add(e);
  return e;
}

/**
 * Whether the failed call certainly never reached BlueKing: the circuit was open, the deadline
 * passed before an attempt started (or while it waited for a slot), or the connection was never
 * made. Writes use it to tell a definite failure from one whose outcome is unknown.
 */
export function wasNeverSent(e: unknown): boolean {
  return e instanceof UpstreamError && (e.kind === 'unavailable' || neverSent.has(e));
}

/**
 * Maps a failure of the HTTP exchange itself (no usable response) to an UpstreamError. Errors that
 * are not transport failures (a bug in bk-graph) are returned unchanged.
 */
export function transportError(
  e: unknown,
  spec: ApiSpec,
  signal: AbortSignal | undefined,
  httpStatus?: number,
): unknown {
  if (signal?.aborted) return deadlineError(spec, !isTimeoutReason(signal.reason));
  const code = errorCode(e);
  const api = `${spec.system}.${spec.api}`;
  const upstream: UpstreamInfo = {
    system: spec.system,
    api: spec.api,
    ...(httpStatus !== undefined ? { httpStatus } : {}),
  };
  const mark = (err: UpstreamError) =>
    code !== undefined && NOT_CONNECTED_CODES.has(code) ? markNeverSent(err) : err;
  if (code !== undefined && TIMEOUT_CODES.has(code))
    return mark(new UpstreamError('timeout', `${api} timed out (${code})`, upstream));
  if (code !== undefined && (NETWORK_CODES.has(code) || code.startsWith('UND_ERR_')))
    return mark(new UpstreamError('network', `${api} could not be reached (${code})`, upstream));
  return e;
}

/** The error's `code`, or that of its cause or first aggregated error (Happy Eyeballs connects). */
function errorCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  if (cause !== undefined) return errorCode(cause);
  if (Array.isArray(errors) && errors.length > 0) return errorCode(errors[0]);
  return undefined;
}

function isTimeoutReason(reason: unknown): boolean {
  return (
    typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError'
  );
}

/** The deadline passed (or the caller cancelled) before an attempt could start. */
export function deadlineError(spec: ApiSpec, cancelled: boolean): UpstreamError {
  const api = `${spec.system}.${spec.api}`;
  const err = new UpstreamError(
    'timeout',
    cancelled ? `${api} was cancelled` : `${api} did not answer before the request deadline`,
    { system: spec.system, api: spec.api },
  );
  callerAborts.add(err);
  return err;
}
