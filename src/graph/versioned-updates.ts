import type { EventBus } from '../events';
import { PushStream, Wake } from './push-stream';

/**
 * The event stream behind `ticketUpdated` and `approvalUpdated`: the stored row at once, then again
 * whenever its version differs from the last one sent, ending after a final one (an ended ticket,
 * an EXECUTED or REJECTED approval). What wakes it: the row's events (`ticket:<sn>`,
 * `approval:<id>`, published on any replica after the change is stored), and every `fallbackMs`
 * anyway, since the bus delivers at most once. Each wake reads the store afresh with the
 * subscriber's visibility; the events' payloads are never trusted.
 */

/** What each event of the stream is: the row, or why the stream ends (its last event). */
export type VersionedUpdate<T> = T | Error;

export interface VersionedUpdatesOptions<T> {
  /** The row as stored now, as the subscriber may see it; null when unknown or not theirs. */
  read: () => Promise<T | null>;
  events: Pick<EventBus, 'subscribe'>;
  topic: string;
  version: (row: T) => number;
  /** The row will never change again: the stream completes after sending it. */
  final: (row: T) => boolean;
  /** What the subscription fails with when the first read finds nothing. */
  notFound: () => Error;
  /** How often the row is read when no event came. @default 2000 */
  fallbackMs?: number;
  /** Consecutive failed reads after which the stream ends with the last error. @default 5 */
  maxFailures?: number;
  /** Told about each failed read that does not end the stream. */
  onReadError?: (error: unknown) => void;
}

/**
 * Starts following the row. Resolves once its first read succeeded, so what that read finds wrong
 * (an unknown id, someone else's row) fails the subscription itself.
 */
export async function versionedUpdates<T>(
  o: VersionedUpdatesOptions<T>,
): Promise<AsyncIterableIterator<VersionedUpdate<T>>> {
  const abort = new AbortController();
  const stream = new PushStream<VersionedUpdate<T>>();
  stream.onEnd(() => abort.abort());
  const wake = new Wake(abort.signal);
  // Listening starts before the first read, so no change between the two goes unseen.
  const events = o.events.subscribe(o.topic, abort.signal);
  void (async () => {
    for await (const _event of events) wake.kick();
  })().catch(() => undefined);

  let first: T | null;
  try {
    first = await o.read();
  } catch (error) {
    stream.end();
    throw error;
  }
  if (first === null) {
    stream.end();
    throw o.notFound();
  }
  stream.push(first);
  if (o.final(first)) stream.end();
  else void follow(o, stream, wake, o.version(first));
  return stream;
}

async function follow<T>(
  o: VersionedUpdatesOptions<T>,
  stream: PushStream<VersionedUpdate<T>>,
  wake: Wake,
  sent: number,
): Promise<void> {
  const maxFailures = o.maxFailures ?? 5;
  let failures = 0;
  let last = sent;
  while (!stream.ended) {
    await wake.wait(o.fallbackMs ?? 2000);
    if (stream.ended) break;
    try {
      const row = await o.read();
      failures = 0;
      if (row === null) {
        stream.push(o.notFound());
        break;
      }
      if (o.version(row) !== last) {
        last = o.version(row);
        stream.push(row);
      }
      if (o.final(row)) break;
    } catch (error) {
      failures++;
      if (failures >= maxFailures) {
        stream.push(error instanceof Error ? error : new Error(String(error)));
        break;
      }
      o.onReadError?.(error);
    }
  }
  stream.end();
}
