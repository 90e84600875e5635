/**
 * The plumbing of bk-graph's subscription streams (jobUpdated, ticketUpdated, approvalUpdated):
 * a wake-up a producer loop sleeps on, and the async iterator graphql-ws reads. Hand-written
 * because each is a few lines and their end semantics are specific: `return()` must stop the
 * producer's wait at once (an unsubscribed client leaves no timer or bus listener behind).
 */

/** Resolves `wait` on a kick, the timeout or the abort; a kick while nobody waits is kept. */
export class Wake {
  private pending: (() => void) | null = null;
  private kicked = false;

  constructor(private readonly signal: AbortSignal) {}

  kick(): void {
    if (this.pending) this.pending();
    else this.kicked = true;
  }

  wait(ms: number): Promise<void> {
    if (this.kicked || this.signal.aborted) {
      this.kicked = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', done);
        this.pending = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.signal.addEventListener('abort', done, { once: true });
      this.pending = done;
    });
  }
}

/**
 * A push-driven async iterator: `return()` (the client unsubscribed) ends it at once, whatever
 * the producer is waiting on, and runs the end hooks (stop listening, release a watch). Events
 * pushed before the end are still delivered.
 */
export class PushStream<T> implements AsyncIterableIterator<T> {
  private readonly queue: T[] = [];
  private readonly waiting: ((result: IteratorResult<T>) => void)[] = [];
  private readonly hooks: (() => void)[] = [];
  ended = false;

  onEnd(hook: () => void): void {
    this.hooks.push(hook);
  }

  push(value: T): void {
    if (this.ended) return;
    const next = this.waiting.shift();
    if (next) next({ value, done: false });
    else this.queue.push(value);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    for (const hook of this.hooks.splice(0)) hook();
    for (const next of this.waiting.splice(0)) next({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve({ value: queued, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.queue.length = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
