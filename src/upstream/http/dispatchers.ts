import { Agent } from 'undici';
import type { Dispatcher } from 'undici';
import { SYSTEMS } from '../limits';
import type { System } from '../limits';

export interface DispatcherOptions {
  /** Per-attempt connect, headers and body timeout. */
  timeoutMs: number;
  /**
   * Keep-alive connections per origin (undici pools them per origin inside each Agent).
   * @default 16
   */
  connections?: number;
}

/**
 * One keep-alive Agent per BlueKing system, so a slow system cannot take the sockets of another.
 * BlueKing's gateways close idle connections after about a minute; undici honours their
 * keep-alive hints and retires sockets earlier than that by default.
 */
export function createSystemDispatcher({ timeoutMs, connections = 16 }: DispatcherOptions): Agent {
  return new Agent({
    connections,
    connect: { timeout: timeoutMs },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
}

export type DispatcherInput = Dispatcher | Partial<Record<System, Dispatcher>>;

function isDispatcher(d: DispatcherInput): d is Dispatcher {
  return typeof (d as Dispatcher).dispatch === 'function';
}

/**
 * The dispatcher of each system: the injected one(s), else a default Agent. `owned` lists what was
 * created here, which is what `close()` must close (injected dispatchers belong to the caller).
 */
export function resolveDispatchers(
  input: DispatcherInput | undefined,
  options: DispatcherOptions,
): { bySystem: Record<System, Dispatcher>; owned: Agent[] } {
  const owned: Agent[] = [];
  const entries = SYSTEMS.map((system): [System, Dispatcher] => {
    const given = input === undefined ? undefined : isDispatcher(input) ? input : input[system];
    if (given) return [system, given];
    const agent = createSystemDispatcher(options);
    owned.push(agent);
    return [system, agent];
  });
  return { bySystem: Object.fromEntries(entries) as Record<System, Dispatcher>, owned };
}
