import { CircuitState, SamplingBreaker, circuitBreaker, handleWhen, isBrokenCircuitError } from 'cockatiel';
import type { CircuitBreakerPolicy } from 'cockatiel';
import { SYSTEMS } from '../limits';
import type { System } from '../limits';
import { isUpstreamError } from '../../errors';
import { isCallerAbort } from './transport-error';

export interface BreakerOptions {
  /**
   * Share of calls (0..1) that must fail within `windowMs` for a system's circuit to open. A call
   * counts once, after its retries: a read that succeeded on its second attempt is a success.
   * @default 0.5
   */
  threshold?: number;
  /**
   * The sliding window the failure rate is measured over.
   * @default 10000
   */
  windowMs?: number;
  /**
   * Fewest calls within the window before the rate may open the circuit, so a handful of
   * failures on a quiet system does not shed it.
   * @default 20
   */
  minimumCalls?: number;
  /**
   * How long an open circuit fails fast before letting one probe call through.
   * @default 5000
   */
  halfOpenAfterMs?: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Only failures that say the system is unhealthy count: business errors, 4xx, rate limits and the
 * caller's own deadline do not (they would open the circuit for a healthy system).
 */
function isUpstreamFailure(e: Error): boolean {
  if (!isUpstreamError(e) || isCallerAbort(e)) return false;
  if (e.kind === 'network' || e.kind === 'timeout') return true;
  return e.kind === 'gateway' && (e.upstream.httpStatus ?? 0) >= 500;
}

/**
 * One cockatiel circuit breaker per BlueKing system, opening on the failure *rate* over a window
 * (cockatiel's SamplingBreaker), not on a run of consecutive failures: under concurrency a healthy
 * system with a 10% error rate produces runs of five failures every few seconds, and a breaker
 * that opens on those sheds every request for a hiccup that retries absorb.
 */
export class SystemBreakers {
  private readonly policies: Record<System, CircuitBreakerPolicy>;

  constructor({
    threshold = 0.5,
    windowMs = 10_000,
    minimumCalls = 20,
    halfOpenAfterMs = 5000,
  }: BreakerOptions = {}) {
    this.policies = Object.fromEntries(
      SYSTEMS.map((s) => [
        s,
        circuitBreaker(handleWhen(isUpstreamFailure), {
          halfOpenAfter: halfOpenAfterMs,
          // cockatiel counts volume as calls per second averaged over the window.
          breaker: new SamplingBreaker({
            threshold,
            duration: windowMs,
            minimumRps: minimumCalls / (windowMs / 1000),
          }),
        }),
      ]),
    ) as Record<System, CircuitBreakerPolicy>;
  }

  /**
   * Runs `fn` through the system's breaker. While the circuit is open, `fn` is not called and the
   * error from `whenOpen()` is thrown instead; in half-open, one call probes and the others wait
   * for its outcome.
   */
  async run<T>(system: System, fn: () => Promise<T>, whenOpen: () => Error): Promise<T> {
    try {
      return await this.policies[system].execute(fn);
    } catch (e) {
      if (isBrokenCircuitError(e)) throw whenOpen();
      throw e;
    }
  }

  health(): Record<System, BreakerState> {
    return Object.fromEntries(SYSTEMS.map((s) => [s, stateName(this.policies[s].state)])) as Record<
      System,
      BreakerState
    >;
  }
}

function stateName(state: CircuitState): BreakerState {
  switch (state) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.HalfOpen:
      return 'half-open';
    default:
      return 'open';
  }
}
