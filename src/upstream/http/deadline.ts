import { setMaxListeners } from 'node:events';
import type { CallContext } from '../types';

const signals = new WeakMap<CallContext, AbortSignal | undefined>();

/**
 * The signal that bounds an attempt: the caller's own signal and the request deadline, whichever
 * fires first. `undefined` when neither is set (the per-attempt undici timeouts still apply).
 *
 * Both are fixed for the whole request (a GraphQL request's calls share one context), so the
 * signal is made once per context: the deadline's timer fires at the same moment for every
 * attempt, and a 20-call wave no longer makes 40 signals (AbortSignal.timeout and .any were a
 * visible part of issuing fleet's page calls).
 */
export function attemptSignal(ctx: CallContext, now: () => number): AbortSignal | undefined {
  if (signals.has(ctx)) return signals.get(ctx);
  const parts: AbortSignal[] = [];
  if (ctx.signal) parts.push(ctx.signal);
  if (ctx.deadline !== undefined) parts.push(AbortSignal.timeout(Math.max(0, ctx.deadline - now())));
  const signal = parts.length <= 1 ? parts[0] : AbortSignal.any(parts);
  // Every call in flight listens on it (undici, the semaphore): a wave is more than the default 10.
  if (signal && signal !== ctx.signal) setMaxListeners(0, signal);
  signals.set(ctx, signal);
  return signal;
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
