import { BkGraphError, ErrorCode, isUpstreamError } from '../../errors';

const notSent = new WeakSet<object>();

/**
 * Runs the reads and checks that come before a write: whatever they throw (a read timing out
 * included) certainly wrote nothing, and writeOutcome says so.
 */
export async function beforeWrite<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (typeof error === 'object' && error !== null) notSent.add(error);
    throw error;
  }
}

/**
 * Whether a failed upstream write certainly had no effect, or may have had one. Only answers the
 * upstream gave (a business error, a refusal, a 4xx from the gateway) and failures before the
 * request left (the circuit open, bk-graph's own input checks) are certain. A timeout, a broken
 * connection, a 5xx from the gateway (it may have forwarded the call) or an answer we could not
 * read leave it unknown.
 */
export function writeOutcome(error: unknown): 'not_applied' | 'unknown' {
  if (typeof error === 'object' && error !== null && notSent.has(error)) return 'not_applied';
  if (isUpstreamError(error)) {
    switch (error.kind) {
      case 'business':
      case 'permission':
      case 'auth':
      case 'rate_limit':
      case 'unavailable':
        return 'not_applied';
      case 'gateway':
        return error.upstream.httpStatus !== undefined && error.upstream.httpStatus < 500
          ? 'not_applied'
          : 'unknown';
      default:
        return 'unknown';
    }
  }
  // Raised by bk-graph before sending (input checks in the clients).
  if (error instanceof BkGraphError && error.code === ErrorCode.BAD_USER_INPUT) return 'not_applied';
  return 'unknown';
}
