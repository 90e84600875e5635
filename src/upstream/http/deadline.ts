import type { CallContext } from '../types';

/**
 * The signal that bounds one attempt: the caller's own signal and the request deadline, whichever
 * fires first. `undefined` when neither is set (the per-attempt undici timeouts still apply).
 */
export function attemptSignal(ctx: CallContext, now: () => number): AbortSignal | undefined {
  const parts: AbortSignal[] = [];
  if (ctx.signal) parts.push(ctx.signal);
  if (ctx.deadline !== undefined) parts.push(AbortSignal.timeout(Math.max(0, ctx.deadline - now())));
  if (parts.length <= 1) return parts[0];
  return AbortSignal.any(parts);
}

/** True when no new attempt may start (the deadline has passed or the caller gave up). */
export function isExpired(ctx: CallContext, now: () => number): boolean {
  return (ctx.deadline !== undefined && now() >= ctx.deadline) || ctx.signal?.aborted === true;
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
