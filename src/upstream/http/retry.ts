import { isUpstreamError } from '../../errors';
import type { UpstreamError } from '../../errors';
import type { CallContext } from '../types';
import { isCallerAbort } from './transport-error';

export interface RetryOptions {
  /**
   * Attempts in total, the first one included. Four keep a 22-call query whole at a 10% error
   * rate (each call fails only if all four do: 0.01%, so 0.2% of such queries) where three would
   * lose 2%; the backoff stays within the request's deadline.
   * @default 4
   */
  maxAttempts: number;
  /** @default 100 */
  baseDelayMs: number;
  /** @default 2000 */
  maxDelayMs: number;
  /** Source of jitter in [0, 1). @default Math.random */
  random: () => number;
}

export const defaultRetryOptions: RetryOptions = {
  maxAttempts: 4,
  baseDelayMs: 100,
  maxDelayMs: 2000,
  random: Math.random,
};

/**
 * Whether a failed read may be tried again.
 * - network, timeout: the request may or may not have reached BlueKing, which is harmless for a
 *   read; a timed-out read is retried too (a connect timeout and a slow body are both transient),
 *   unless it was the caller's deadline or cancellation that cut it.
 * - gateway 5xx: the gateway or the backend failed, not our request.
 * - rate_limit: retried after the wait the gateway asked for.
 * - malformed is not retried: a 200 whose body is not JSON is a proxy or login page in the way, or a
 *   backend bug; both answer the same way again, and repeating only adds load.
 * - business, permission, auth and other 4xx answers are final.
 */
export function isRetryable(e: UpstreamError): boolean {
  switch (e.kind) {
    case 'network':
    case 'rate_limit':
      return true;
    case 'timeout':
      return !isCallerAbort(e);
    case 'gateway':
      return (e.upstream.httpStatus ?? 0) >= 500;
    default:
      return false;
  }
}

/** Exponential backoff with full jitter, or the rate limiter's own wait when it gave one. */
export function retryDelayMs(e: UpstreamError, attempt: number, options: RetryOptions): number {
  if (e.kind === 'rate_limit' && e.extra.retryAfterSeconds !== undefined)
    return e.extra.retryAfterSeconds * 1000;
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(options.random() * ceiling);
}

export interface RetryPlan {
  idempotent: boolean;
  ctx: CallContext;
  options: RetryOptions;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  onRetry?: (e: UpstreamError, attempt: number, delayMs: number) => void;
}

/**
 * Runs `attempt(n)` until it succeeds or may not be repeated. A small loop rather than cockatiel's
 * RetryPolicy: whether to retry depends on the delay and the deadline together (a retry whose
 * backoff would end past the deadline never starts), and the delay comes from the failure itself
 * (Retry-After / X-Bkapi-RateLimit-Reset); cockatiel's backoff can only pick a delay, not decline,
 * and its wait cannot be injected for tests.
 * Writes (`idempotent: false`) are tried exactly once: even a connect error may hide a request
 * BlueKing already accepted.
 */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, plan: RetryPlan): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      if (!plan.idempotent || !isUpstreamError(e) || n >= plan.options.maxAttempts || !isRetryable(e))
        throw e;
      const delay = retryDelayMs(e, n, plan.options);
      const { deadline, signal } = plan.ctx;
      if (deadline !== undefined && plan.now() + delay >= deadline) throw e;
      if (signal?.aborted) throw e;
      plan.onRetry?.(e, n, delay);
      try {
        await plan.sleep(delay, signal);
      } catch {
        // Cancelled while waiting: the last upstream failure says more than the abort does.
        throw e;
      }
    }
  }
}
