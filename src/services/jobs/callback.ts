import type { EventBus } from '../../events';
import type { RequestLogger } from '../../logger';
import type { Job, Store } from '../../store';
import { MAX_CALLBACK_BODY_BYTES, StoreUnavailableError } from '../../store';
import { FINISHED_JOB_STATUSES } from '../../upstream/job/map';
import { parseJobCallback, type JobCallback } from './callback-body';
import { callbackTokenHash } from './fingerprint';
import type { JobPoller } from './poller';
import { safeReason } from './reason';
import { publishJob } from './status';

/** POST /callbacks/job as plain data, so the route stays a few lines of Fastify. */
export interface JobCallbackRequest {
  contentType: string | null;
  /** The raw body, whatever its content type. */
  body: string;
  query: Readonly<Record<string, unknown>>;
}

export interface JobCallbackResponse {
  status: number;
  body: Record<string, unknown>;
}

export type JobCallbackHandler = (request: JobCallbackRequest) => Promise<JobCallbackResponse>;

export interface JobCallbackDeps {
  store: Store;
  events: EventBus;
  logger: RequestLogger;
  /** Asked to poll a job at once when a callback about it cannot be trusted. */
  poller?: Pick<JobPoller, 'pollNow'>;
}

const OK: JobCallbackResponse = { status: 200, body: { result: true, code: 0 } };
const refuse = (status: number, message: string): JobCallbackResponse => ({
  status,
  body: { result: false, code: status, message },
});

/**
 * JOB's callback (CONTRACTS.md §4.6). JOB only looks at the HTTP status and retries once on
 * anything but 200, so:
 * - too large (413) or malformed (400): refused, stored nowhere;
 * - the URL's token names the job: the report is written to the inbox and applied in one
 *   transaction, then published; a finished job stays as it is (a callback never rewrites it);
 * - the token names a job but the body another instance: 403, inbox `forged`;
 * - no token, or one we do not know, about a job we know by instance id: the body is not trusted
 *   (inbox `unverified`) and the job is polled at once instead; 200;
 * - a job we know nothing of: 200 so JOB stops, inbox `unknown_job`, logged, nothing applied;
 * - the store down: 503, so JOB records a failure; the poller repairs the job later.
 */
export function createJobCallbackHandler(deps: JobCallbackDeps): JobCallbackHandler {
  const { store, logger } = deps;

  async function inbox(callback: JobCallback, request: JobCallbackRequest, outcome: string): Promise<void> {
    await store.jobCallbacks.record({
      jobInstanceId: callback.jobInstanceId,
      contentType: request.contentType,
      body: request.body,
      outcome,
    });
  }

  async function applyVerified(job: Job, callback: JobCallback, request: JobCallbackRequest) {
    if (job.jobInstanceId === null) {
      // JOB called back before bk-graph recorded the instance id of its answer: the secret proves
      // the callback is about this job, so it names the instance.
      job = (await store.jobs.attachInstance(job.id, callback.jobInstanceId)) ?? job;
      if (job.jobInstanceId !== callback.jobInstanceId) return forged(callback, request);
    }
    if (job.finished) {
      await inbox(callback, request, 'duplicate');
      return OK;
    }
    const update = {
      status: callback.status,
      finished: FINISHED_JOB_STATUSES.has(callback.status),
      steps: callback.steps,
    };
    const { changed, row } = await store.transaction(async (tx) => {
      const applied = await tx.jobs.applyStatus(callback.jobInstanceId, update);
      await tx.jobCallbacks.record({
        jobInstanceId: callback.jobInstanceId,
        contentType: request.contentType,
        body: request.body,
        outcome: applied.changed ? 'applied' : 'duplicate',
      });
      return applied;
    });
    if (changed && row) await publishJob(deps, row);
    logger.info({ jobId: job.id, jobInstanceId: callback.jobInstanceId, changed }, 'job callback applied');
    return OK;
  }

  async function forged(callback: JobCallback, request: JobCallbackRequest) {
    await inbox(callback, request, 'forged');
    logger.warn({ jobInstanceId: callback.jobInstanceId }, 'job callback: the token belongs to another job');
    return refuse(403, 'the callback token does not belong to this job instance');
  }

  async function unverified(job: Job, callback: JobCallback, request: JobCallbackRequest) {
    await inbox(callback, request, 'unverified');
    logger.warn(
      { jobId: job.id, jobInstanceId: callback.jobInstanceId },
      'job callback without a valid token: polling instead',
    );
    try {
      if (deps.poller) await deps.poller.pollNow(job.id);
      else if (!job.finished) await store.jobs.schedulePoll(job.id, new Date(), job.pollAttempts);
    } catch (error) {
      logger.warn(
        { jobId: job.id, reason: safeReason(error) },
        'job callback: the poll could not be scheduled',
      );
    }
    return OK;
  }

  return async (request) => {
    if (Buffer.byteLength(request.body, 'utf8') > MAX_CALLBACK_BODY_BYTES)
      return refuse(413, `a callback body may be at most ${MAX_CALLBACK_BODY_BYTES} bytes`);
    const callback = parseJobCallback(request.body);
    if (!callback)
      return refuse(400, 'not a JOB callback: expected job_instance_id, status and step_instance_list');
    const token =
      typeof request.query.token === 'string' && request.query.token !== '' ? request.query.token : null;
    try {
      const byToken = token ? await store.jobs.findByTokenHash(callbackTokenHash(token)) : null;
      if (byToken) {
        if (byToken.jobInstanceId !== null && byToken.jobInstanceId !== callback.jobInstanceId)
          return await forged(callback, request);
        return await applyVerified(byToken, callback, request);
      }
      const known = await store.jobs.findByInstance(callback.jobInstanceId);
      if (known) return await unverified(known, callback, request);
      await inbox(callback, request, 'unknown_job');
      logger.warn(
        { jobInstanceId: callback.jobInstanceId },
        'job callback about a job bk-graph did not start: ignored',
      );
      return OK;
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      logger.warn(
        { jobInstanceId: callback.jobInstanceId, reason: safeReason(error) },
        'job callback: store unavailable',
      );
      return refuse(503, 'the store is unavailable; the job will be polled');
    }
  };
}
