import type { Job } from '../../store';
import type { StartedJob } from './types';

/** The StartedJob of a stored job that JOB accepted (null while it has no instance id). */
export function toStartedJob(job: Job): StartedJob | null {
  if (job.jobInstanceId === null) return null;
  return {
    id: job.id,
    jobInstanceId: job.jobInstanceId,
    bizId: job.bizId,
    name: job.name,
    kind: job.kind,
    createdBy: job.createdBy,
    status: job.status,
    finished: job.finished,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
  };
}

/**
 * A StartedJob as an idempotency record keeps it (JSON: dates are strings there), or null when
 * the record does not hold one.
 */
export function reviveStartedJob(value: unknown): StartedJob | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.id !== 'string' || typeof v.jobInstanceId !== 'string' || typeof v.bizId !== 'string')
    return null;
  return {
    id: v.id,
    jobInstanceId: v.jobInstanceId,
    bizId: v.bizId,
    name: typeof v.name === 'string' ? v.name : null,
    kind: v.kind === 'plan' ? 'plan' : 'script',
    createdBy: typeof v.createdBy === 'string' ? v.createdBy : '',
    status: typeof v.status === 'number' ? v.status : null,
    finished: v.finished === true,
    createdAt: new Date(String(v.createdAt)),
    updatedAt: new Date(String(v.updatedAt)),
  };
}
