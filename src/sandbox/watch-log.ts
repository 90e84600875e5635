import type { SandboxContext, WatchEventType, WatchResource } from './types';

/**
 * The CMDB event chain behind `resource_watch` (CONTRACTS.md §3.9): a bounded, ordered log of
 * events with opaque cursors, and the long-poll waiters it wakes. Cursors name the log generation,
 * so after `expire()` (or once an event falls off the end) they are unknown → 1103007.
 */
export interface WatchEvent {
  seq: number;
  resource: WatchResource;
  type: WatchEventType;
  detail: Record<string, unknown>;
  cursor: string;
  /** Epoch ms. */
  at: number;
}

/** CMDB's constant for "no event yet" (encoder output, CONTRACTS.md §3.9). */
export const NO_EVENT_CURSOR = 'MQ0xDTVlYTZkM2YzOTRjMWY1ZDk4NmU5YmQ4Ng1ub0V2ZW50DTENMQ0=';

const RESOURCE_TYPE_INT: Record<WatchResource, number> = {
  host: 1,
  host_relation: 2,
  biz: 3,
  set: 4,
  module: 5,
};
const MAX_EVENTS = 10_000;

export class WatchLog {
  private events: WatchEvent[] = [];
  private nextSeq = 1;
  private generation = 1;
  private waiters = new Set<() => void>();
  private closed = false;

  constructor(private readonly now: () => number) {}

  append(resource: WatchResource, type: WatchEventType, detail: Record<string, unknown>): WatchEvent {
    const seq = this.nextSeq++;
    const at = this.now();
    const oid = (
      Math.floor(at / 1000)
        .toString(16)
        .padStart(8, '0') + seq.toString(16).padStart(16, '0')
    ).slice(-24);
    const raw = [
      '1',
      RESOURCE_TYPE_INT[resource],
      oid,
      type,
      Math.floor(at / 1000),
      (at % 1000) * 1_000_000,
      `${this.generation}.${seq}`,
    ].join('\r');
    const event: WatchEvent = {
      seq,
      resource,
      type,
      detail,
      cursor: Buffer.from(raw).toString('base64'),
      at,
    };
    this.events.push(event);
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiting) wake();
    return event;
  }

  /** Last sequence number handed out (0 when none): "from now" starts after it. */
  head(): number {
    return this.nextSeq - 1;
  }

  /** Resolves a cursor to the sequence it names, or null when the chain no longer has it. */
  seqOf(cursor: string): number | null {
    const raw = Buffer.from(cursor, 'base64').toString('utf8');
    const uniq = raw.split('\r')[6] ?? '';
    const m = /^(\d+)\.(\d+)$/.exec(uniq);
    if (!m || Number(m[1]) !== this.generation) return null;
    const seq = Number(m[2]);
    const first = this.events[0];
    if (!first || seq < first.seq || seq > this.head()) return null;
    return seq;
  }

  after(seq: number): WatchEvent[] {
    return this.events.filter((e) => e.seq > seq);
  }

  /** The sequence just before the first event at or after `ms`. */
  seqBefore(ms: number): number {
    const first = this.events.find((e) => e.at >= ms);
    return first ? first.seq - 1 : this.head();
  }

  /** Waits for the next event, at most `ms`; resolves false on timeout or close. */
  wait(ms: number): { promise: Promise<boolean>; cancel: () => void } {
    if (this.closed) return { promise: Promise.resolve(false), cancel: () => undefined };
    let wake: () => void = () => undefined;
    let timer: NodeJS.Timeout | undefined;
    const promise = new Promise<boolean>((resolve) => {
      wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(true);
      };
      timer = setTimeout(() => {
        this.waiters.delete(wake);
        resolve(false);
      }, ms);
      this.waiters.add(wake);
    });
    return {
      promise,
      cancel: () => {
        clearTimeout(timer);
        if (this.waiters.delete(wake)) wake();
      },
    };
  }

  /** Drops every event: all cursors handed out so far become unknown. */
  expire(): void {
    this.events = [];
    this.generation++;
  }

  /** Ends every long poll (on close). */
  close(): void {
    this.closed = true;
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiting) wake();
  }
}

const logs = new WeakMap<SandboxContext, WatchLog>();

/** The watch log of one sandbox (one per context, created on first use). */
export function watchLogFor(ctx: SandboxContext): WatchLog {
  let log = logs.get(ctx);
  if (!log) {
    log = new WatchLog(() => ctx.now());
    logs.set(ctx, log);
  }
  return log;
}
