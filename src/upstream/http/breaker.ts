import {
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleWhen,
  isBrokenCircuitError,
} from 'cockatiel';
import type { CircuitBreakerPolicy } from 'cockatiel';
import { SYSTEMS } from '../../config';
import type { System } from '../../config';
import { isUpstreamError } from '../../errors';
import { isCallerAbort } from './transport-error';

export interface BreakerOptions {
  /**
   * Consecutive upstream failures (network, timeout, 5xx) that open a system's circuit.
   * @default 5
   */
  threshold?: number;
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

/** One cockatiel circuit breaker per BlueKing system. */
export class SystemBreakers {
  private readonly policies: Record<System, CircuitBreakerPolicy>;

  constructor({ threshold = 5, halfOpenAfterMs = 5000 }: BreakerOptions = {}) {
    this.policies = Object.fromEntries(
      SYSTEMS.map((s) => [
        s,
        circuitBreaker(handleWhen(isUpstreamFailure), {
          halfOpenAfter: halfOpenAfterMs,
          breaker: new ConsecutiveBreaker(threshold),
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
