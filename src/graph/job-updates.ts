import { NotFoundError, isUpstreamError } from '../errors';
import type { EventBus } from '../events';
import type { StartedJob } from '../services/jobs';
import type { JobInstance } from '../upstream/domain';
import { PushStream, Wake } from './push-stream';

/**
 * The event stream behind `Subscription.jobUpdated`: the execution at once, then again whenever
 * its status (the job's, a step's or a host's) differs from the last one sent, ending after the
 * one that says finished.
 *
 * What wakes it: for a job bk-graph started, the job's events (`job:<biz>:<id>`, raised by
 * callbacks and by the poller, which watches the job while anyone is subscribed), and every
 * `eventFallbackMs` anyway, since the bus delivers at most once; for any other job, nothing tells
 * bk-graph it changed, so it asks JOB every `pollMs`. Each wake reads the job afresh with the
 * subscriber's own rights.
 */

/** What each event of the stream is: the execution, or why the stream ends (its last event). */
export type JobUpdate = JobInstance | Error;

export interface JobUpdatesOptions {
  /** A fresh read of the execution with the subscriber's rights; null when JOB does not know it. */
  read: () => Promise<JobInstance | null>;
  /** bk-graph's record of the execution, or null when bk-graph did not start it. */
  started: () => Promise<StartedJob | null>;
  events: Pick<EventBus, 'subscribe'>;
  topic: string;
  /** Makes the poller follow the job closely (ref-counted); returns the release. */
  watch: (jobId: string) => () => void;
  /** How often a job bk-graph did not start is read. @default 2000 */
  pollMs?: number;
  /** How often a started job is read when no event came. @default 5000 */
  eventFallbackMs?: number;
  /** Consecutive failed reads after which the stream ends with the last error. @default 5 */
  maxFailures?: number;
  /** Told about each failed read that does not end the stream. */
  onReadError?: (error: unknown) => void;
}

/**
 * Starts following the execution. Resolves once its first read succeeded, so what that read
 * finds wrong (a hidden business: FORBIDDEN; an unknown job: NOT_FOUND) fails the subscription
 * itself; later failures end the stream with an error event.
 */
export async function jobUpdates(o: JobUpdatesOptions): Promise<AsyncIterableIterator<JobUpdate>> {
  const stream = new PushStream<JobUpdate>();
  const abort = new AbortController();
  const wake = new Wake(abort.signal);
  // Listening starts before the first read, so no change between the two goes unseen.
  const started = await o.started().catch(() => null);
  let unwatch: (() => void) | null = null;
  if (started) {
    const events = o.events.subscribe(o.topic, abort.signal);
    void (async () => {
      for await (const _event of events) wake.kick();
    })().catch(() => undefined);
    unwatch = o.watch(started.id);
  }
  stream.onEnd(() => {
    abort.abort();
    unwatch?.();
  });

  let first: JobInstance | null;
  try {
    first = await o.read();
  } catch (error) {
    stream.end();
    throw error;
  }
  if (!first) {
    stream.end();
    throw new NotFoundError('JOB has no such execution in this business');
  }
  stream.push(first);
  if (first.finished) stream.end();
  else
    void follow(
      o,
      stream,
      wake,
      signatureOf(first),
      started ? (o.eventFallbackMs ?? 5000) : (o.pollMs ?? 2000),
    );
  return stream;
}

async function follow(
  o: JobUpdatesOptions,
  stream: PushStream<JobUpdate>,
  wake: Wake,
  sent: string,
  intervalMs: number,
): Promise<void> {
  const maxFailures = o.maxFailures ?? 5;
  let failures = 0;
  let last = sent;
  while (!stream.ended) {
    await wake.wait(intervalMs);
    if (stream.ended) break;
    try {
      const job = await o.read();
      failures = 0;
      if (!job) {
        stream.push(new NotFoundError('JOB no longer has this execution'));
        break;
      }
      const signature = signatureOf(job);
      if (signature !== last) {
        last = signature;
        stream.push(job);
      }
      if (job.finished) break;
    } catch (error) {
      failures++;
      // Rights that were refused stay refused; anything else may pass (a gateway hiccup).
      const final =
        failures >= maxFailures ||
        (isUpstreamError(error) && (error.kind === 'permission' || error.kind === 'auth'));
      if (final) {
        stream.push(error instanceof Error ? error : new Error(String(error)));
        break;
      }
      o.onReadError?.(error);
    }
  }
  stream.end();
}

/** What counts as a change: the job's, each step's and each host's status code. */
function signatureOf(job: JobInstance): string {
  let s = `${job.statusCode}`;
  for (const step of job.steps) {
    s += `|${step.id}:${step.statusCode}:`;
    for (const h of step.hosts) s += `${h.statusCode},`;
  }
  return s;
}
