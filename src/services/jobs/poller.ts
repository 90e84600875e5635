import { randomUUID } from 'node:crypto';
import type { EventBus } from '../../events';
import { isUpstreamError } from '../../errors';
import type { RequestLogger } from '../../logger';
import type { Job, Store } from '../../store';
import type { Clients } from '../../upstream/clients';
import { mapBounded } from '../../upstream/mapping';
import { systemActor } from '../actor';
import { safeReason } from './reason';
import { applyJobStatus, statusUpdateOf } from './status';

/**
 * Follows the jobs bk-graph started until JOB says they finished: the repair for a callback that
 * never came (JOB gives up after two tries) and the source of step-by-step changes, which JOB does
 * not call back about. Every replica may run one; `store.jobs.claimDuePolls` (FOR UPDATE SKIP
 * LOCKED, and the claim pushes the job ahead) gives each due job to one poller at a time.
 */

export interface PollIntervals {
  /** How often the loop looks for due jobs. @default 500 */
  tickMs: number;
  /** Delay before a job's second poll; it doubles with every poll after. @default 1000 */
  firstMs: number;
  /** Longest delay between two polls of a job. @default 30000 */
  maxMs: number;
  /** Delay between polls of a watched job (someone subscribed). @default 1000 */
  watchedMs: number;
  /** Jobs claimed per round. @default 20 */
  batch: number;
  /** Polls in flight at once. @default 4 */
  concurrency: number;
  /**
   * How far a claim pushes the job ahead: if its poller dies mid-poll the job is due again then.
   * More than twice `maxMs` (and than the service's first-poll delay), so that a job due more than
   * `claimMs / 2` ahead is known to be mid-poll. @default 120000
   */
  claimMs: number;
  /** Deadline of one get_job_instance_status call, retries included. @default 10000 */
  pollTimeoutMs: number;
}

export const DEFAULT_POLL_INTERVALS: PollIntervals = {
  tickMs: 500,
  firstMs: 1000,
  maxMs: 30_000,
  watchedMs: 1000,
  batch: 20,
  concurrency: 4,
  claimMs: 120_000,
  pollTimeoutMs: 10_000,
};

/** One poll, for metrics and tests. */
export interface PollEvent {
  jobId: string;
  holder: string;
  startedAt: number;
  endedAt: number;
  outcome: 'changed' | 'unchanged' | 'failed';
}

export interface JobPollerOptions {
  store: Store;
  clients: Pick<Clients, 'job'>;
  events: EventBus;
  logger: RequestLogger;
  /** This replica's name in logs (e.g. hostname:pid). */
  holder: string;
  intervals?: Partial<PollIntervals>;
  /** @default Date.now */
  now?: () => number;
  onPoll?: (event: PollEvent) => void;
}

export interface JobPoller {
  /**
   * Makes the job due now (unless a poller has it in hand already) and wakes this loop. Resolves
   * to false when there is nothing to poll: no such job, finished, or JOB never accepted it.
   */
  pollNow(jobId: string): Promise<boolean>;
  /**
   * Polls the job at least every `watchedMs` while watched (ref-counted), whichever replica's
   * poller claims it; returns its unwatch. Ends by itself once the job finished.
   */
  watch(jobId: string): () => void;
  /** Ends the loop after the current round and stops every watch. */
  stop(): Promise<void>;
}

/** JOB's "Task instance does not exist": polling it again cannot help. */
const JOB_NOT_FOUND = 1244006;

export function startJobPoller(options: JobPollerOptions): JobPoller {
  const { store, clients, logger, holder, onPoll } = options;
  const iv: PollIntervals = { ...DEFAULT_POLL_INTERVALS, ...options.intervals };
  if (iv.claimMs <= 2 * iv.maxMs)
    throw new TypeError(`claimMs must be more than twice maxMs, but got ${iv.claimMs} and ${iv.maxMs}.`);
  const now = options.now ?? Date.now;
  const statusDeps = { store, events: options.events, logger };
  const watched = new Map<string, { count: number; timer: NodeJS.Timeout }>();
  let stopping = false;
  let kicked = false;
  let wake: (() => void) | null = null;

  const kick = () => {
    kicked = true;
    wake?.();
  };

  function nap(ms: number): Promise<void> {
    if (kicked) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });
  }

  /** The delay before the next poll, after `attempts` polls. */
  function delayFor(jobId: string, attempts: number): number {
    const backoff = Math.min(iv.maxMs, iv.firstMs * 2 ** Math.min(attempts, 30));
    return watched.has(jobId) ? Math.min(backoff, iv.watchedMs) : backoff;
  }

  /** Asks JOB about one claimed job, records the answer, then schedules the next poll. */
  async function pollOne(job: Job): Promise<void> {
    const startedAt = now();
    const attempts = job.pollAttempts + 1;
    let outcome: PollEvent['outcome'] = 'failed';
    // undefined: no further poll to schedule (finished: applyStatus stopped polling it).
    let next: Date | null | undefined = null;
    try {
      if (job.jobInstanceId !== null) {
        const instance = await clients.job.jobInstanceStatus(
          { bizId: job.bizId, jobInstanceId: job.jobInstanceId, withHosts: false, mode: 'system' },
          callContext(job),
        );
        const { changed } = await applyJobStatus(statusDeps, job.jobInstanceId, statusUpdateOf(instance));
        outcome = changed ? 'changed' : 'unchanged';
        next = instance.finished ? undefined : new Date(now() + delayFor(job.id, attempts));
      }
      // Else JOB never accepted it (or it is unknown whether it did): there is nothing to ask about.
    } catch (error) {
      const gone = isUpstreamError(error) && Number(error.upstream.code) === JOB_NOT_FOUND;
      logger.warn(
        { jobId: job.id, holder, attempts, reason: safeReason(error), ...(gone ? { stopped: true } : {}) },
        'job poll failed',
      );
      // Anything else may pass (a gateway hiccup, a permission granted back): keep trying, slower.
      next = gone ? null : new Date(now() + delayFor(job.id, attempts));
    }
    // Reported before the job is released to the next claim, so polls of one job never overlap.
    onPoll?.({ jobId: job.id, holder, startedAt, endedAt: now(), outcome });
    if (next === undefined) return;
    try {
      await store.jobs.schedulePoll(job.id, next, attempts);
    } catch (error) {
      // The claim pushed it `claimMs` ahead: it is polled again then.
      logger.warn({ jobId: job.id, holder, reason: safeReason(error) }, 'job poll: next poll not scheduled');
    }
  }

  /** The creator's request, made through JOB's app mode: they may be long gone from any session. */
  function callContext(job: Job) {
    const actor = systemActor(job.createdBy, job.tenantId, `poll-${randomUUID()}`, now() + iv.pollTimeoutMs);
    return {
      credentials: actor.credentials,
      tenantId: actor.tenantId,
      requestId: actor.requestId,
      deadline: actor.deadline,
    };
  }

  const loop = (async () => {
    while (!stopping) {
      kicked = false;
      let claimed = 0;
      try {
        const due = await store.jobs.claimDuePolls(new Date(now()), iv.batch, iv.claimMs);
        claimed = due.length;
        await mapBounded(due, iv.concurrency, pollOne);
      } catch (error) {
        logger.warn({ holder, reason: safeReason(error) }, 'job poller: a round failed');
      }
      // A full batch means more may be due: go again at once.
      if (!stopping && claimed < iv.batch) await nap(iv.tickMs);
    }
  })();

  /**
   * Makes the job due now unless its next poll is within `withinMs` anyway. Reads then writes: a
   * claim in between can make two polls overlap once, which the store's compare-and-set absorbs.
   */
  async function pullForward(jobId: string, withinMs: number): Promise<boolean> {
    const job = await store.jobs.get(jobId);
    if (!job || job.finished || job.jobInstanceId === null) return false;
    const at = now();
    const next = job.nextPollAt?.getTime() ?? null;
    // Due later than any schedule puts it: a poller claimed it, and its answer is coming.
    const inHand = next !== null && next > at + iv.claimMs / 2;
    if (!inHand && (next === null || next > at + withinMs)) {
      if (!(await store.jobs.schedulePoll(jobId, new Date(at), 0))) return false;
      kick();
    }
    return true;
  }

  const pollNow = (jobId: string) => pullForward(jobId, 0);

  function watch(jobId: string): () => void {
    const entry = watched.get(jobId);
    if (entry) entry.count++;
    else if (!stopping) {
      const timer = setInterval(() => {
        void pullForward(jobId, iv.watchedMs)
          .then((pollable) => {
            if (!pollable) stopWatching(jobId);
          })
          .catch((error: unknown) =>
            logger.warn({ jobId, holder, reason: safeReason(error) }, 'job watch: poll not scheduled'),
          );
      }, iv.watchedMs);
      watched.set(jobId, { count: 1, timer });
    }
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const current = watched.get(jobId);
      if (current && --current.count <= 0) stopWatching(jobId);
    };
  }

  function stopWatching(jobId: string): void {
    const entry = watched.get(jobId);
    if (entry) clearInterval(entry.timer);
    watched.delete(jobId);
  }

  return {
    pollNow,
    watch,
    async stop() {
      stopping = true;
      for (const id of [...watched.keys()]) stopWatching(id);
      kick();
      await loop;
    },
  };
}
