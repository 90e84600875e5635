import { BkGraphError, isUpstreamError } from '../../errors';
import { wasNeverSent } from '../../upstream/http/transport-error';

/**
 * Whether a failed execute call certainly did not start a job (`definite`: the key can be given
 * back and the call made again) or may have (`unknown`: JOB may be running it; it must never be
 * repeated by itself).
 *
 * Definite: JOB (or the gateway) answered and refused — result:false, IAM 9900403, credentials,
 * rate limits, any 4xx — or the request never left bk-graph (circuit open, deadline passed before
 * sending, connection refused). Unknown: everything after the request may have reached JOB with
 * no answer we can trust — timeouts (the gateway's 504 too), a connection broken mid-call, a 5xx
 * from the gateway (the backend may have acted before failing), a 200 whose body is not JOB's.
 * An error that is none of these (a bug) counts as unknown: guessing "definite" could run a job twice.
 */
export type LaunchFailure = 'definite' | 'unknown';

// ESB's own failures reaching the backend (REQUEST_THIRD_PARTY_ERROR and kin): the component may
// have been called (CONTRACTS.md §1.5).
const ESB_BACKEND_FAILURE = /^13062\d\d$/;

export function classifyLaunchFailure(error: unknown): LaunchFailure {
  if (wasNeverSent(error)) return 'definite';
  if (!isUpstreamError(error)) return error instanceof BkGraphError ? 'definite' : 'unknown';
  switch (error.kind) {
    case 'business':
    case 'permission':
    case 'auth':
    case 'rate_limit':
    case 'unavailable':
      return 'definite';
    case 'gateway': {
      const status = error.upstream.httpStatus ?? 0;
      if (status >= 400 && status < 500) return 'definite';
      // ESB answers its own errors with HTTP 200 and a 1306xxx code.
      if (status === 200)
        return ESB_BACKEND_FAILURE.test(String(error.upstream.code ?? '')) ? 'unknown' : 'definite';
      return 'unknown';
    }
    case 'timeout':
    case 'network':
    case 'malformed':
      return 'unknown';
  }
}
