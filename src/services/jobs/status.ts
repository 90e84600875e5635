import type { EventBus } from '../../events';
import type { RequestLogger } from '../../logger';
import type { Job, JobStatusUpdate, Store } from '../../store';
import type { JobInstance } from '../../upstream/domain';
import { jobTopic, type JobEvent } from './topics';

/** What get_job_instance_status said, as the store records it (statuses only; hosts stay in JOB). */
export function statusUpdateOf(instance: JobInstance): JobStatusUpdate {
  return {
    status: instance.statusCode,
    finished: instance.finished,
    steps: instance.steps.map((s) => ({ stepInstanceId: s.id, status: s.statusCode })),
  };
}

export interface StatusDeps {
  store: Pick<Store, 'jobs'>;
  events: EventBus;
  logger: RequestLogger;
}

/**
 * Records a status report (poll or callback) with the store's compare-and-set — a finished job
 * never becomes unfinished, a repeat changes nothing — and publishes `job:<bizId>:<id>` when the
 * row changed. Throws StoreUnavailableError when the store is down; a failed publish is only
 * logged (the store holds the truth and subscribers re-read it; the bus is at most once anyway).
 */
export async function applyJobStatus(
  deps: StatusDeps,
  jobInstanceId: string,
  update: JobStatusUpdate,
): Promise<{ changed: boolean; job: Job | null }> {
  const { changed, row } = await deps.store.jobs.applyStatus(jobInstanceId, update);
  if (changed && row) await publishJob(deps, row);
  return { changed, job: row };
}

/** Publishes the job's event; never throws. */
export async function publishJob(deps: Omit<StatusDeps, 'store'>, job: Job): Promise<void> {
  if (job.jobInstanceId === null) return;
  const payload: JobEvent = { jobId: job.id, version: job.version };
  try {
    await deps.events.publish(jobTopic(job.bizId, job.jobInstanceId), payload);
  } catch (error) {
    deps.logger.warn(
      { jobId: job.id, version: job.version, reason: (error as { code?: unknown }).code ?? 'unknown' },
      'job event not published; subscribers catch up on the next change or poll',
    );
  }
}
