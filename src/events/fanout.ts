import { EventEmitter, on } from 'node:events';
import type { EventPayload } from './bus';
import { decodeEvent } from './message';

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** Prefixed, so a topic named "error" is not EventEmitter's special event. */
const eventName = (topic: string) => `topic:${topic}`;

function emptySubscription(): AsyncIterableIterator<EventPayload> {
  return {
    next: async () => DONE,
    return: async () => DONE,
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * Hands each event a bus receives (one connection per process) to every local subscriber of its
 * topic. Each subscription is Node's `events.on` iterator (it queues events the consumer has not
 * taken yet and drops its listener on abort or return), wrapped so an abort ends it instead of
 * throwing, and so the bus's close ends it too.
 */
export class LocalFanout {
  readonly #emitter = new EventEmitter().setMaxListeners(0);
  readonly #closed = new AbortController();

  /** Delivers one channel message; messages that are not events are ignored. */
  deliver(text: string): void {
    const event = decodeEvent(text);
    if (event) this.#emitter.emit(eventName(event.topic), event.payload);
  }

  listenerCount(topic: string): number {
    return this.#emitter.listenerCount(eventName(topic));
  }

  subscribe(topic: string, signal?: AbortSignal): AsyncIterableIterator<EventPayload> {
    const ended = new AbortController();
    const sources = [this.#closed.signal, ...(signal ? [signal] : [])];
    const detach = () => sources.forEach((s) => s.removeEventListener('abort', stop));
    const stop = () => {
      detach();
      ended.abort();
    };
    // events.on throws at once for a signal that is already aborted: such a subscription is empty.
    if (sources.some((s) => s.aborted)) return emptySubscription();
    sources.forEach((s) => s.addEventListener('abort', stop, { once: true }));

    const inner = on(this.#emitter, eventName(topic), { signal: ended.signal });
    return {
      async next(): Promise<IteratorResult<EventPayload, undefined>> {
        try {
          const r = await inner.next();
          if (r.done) return DONE;
          return { done: false, value: (r.value as [EventPayload])[0] };
        } catch (error) {
          if ((error as Error).name === 'AbortError') return DONE;
          throw error;
        }
      },
      async return(): Promise<IteratorResult<EventPayload, undefined>> {
        detach();
        await inner.return?.();
        return DONE;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** Ends every subscription. */
  close(): void {
    this.#closed.abort();
  }
}
