import type { EventBus } from '../../events';
import { OutcomeUnknownError, isUpstreamError } from '../../errors';
import type { RequestLogger } from '../../logger';
import type { Job, Store } from '../../store';
import type { JobLaunchReceipt } from '../../upstream/job';
import type { Actor } from '../actor';
import { failedOutcome, type AuditLog, type AuditRecord } from '../audit';
import { classifyLaunchFailure } from './failure';
import { scriptHash } from './fingerprint';
import type { KeyRef } from './idempotency';
import { safeReason } from './reason';
import { toStartedJob } from './started-job';
import { publishJob } from './status';
import type { StartedJob } from './types';
import { targetHostCount, type ValidExecution } from './validate';

/**
 * What a launch records once JOB answered (or did not): the job's instance id and first poll,
 * the idempotency key's end state, the audit entry and the job's first event. JOB's answer is the
 * fact here; a store failure while recording it is logged, never allowed to replace it.
 */

export interface OutcomeDeps {
  store: Store;
  events: EventBus;
  logger: RequestLogger;
  audit: AuditLog;
  now: () => number;
  firstPollMs: number;
}

export type Operation = 'executeJobPlan' | 'fastExecuteScript';

export interface Attempt {
  jobId: string;
  ref: KeyRef | null;
  audit: AuditRecord;
  operation: Operation;
  input: ValidExecution;
}

/** Records a failed call and returns the error to throw: the typed error, or OUTCOME_UNKNOWN. */
export async function failed(d: OutcomeDeps, actor: Actor, error: unknown, c: Attempt): Promise<unknown> {
  const upstreamCode = isUpstreamError(error) ? error.upstream.code : undefined;
  if (classifyLaunchFailure(error) === 'definite') {
    // JOB did not start it: the key may be used again, and the job row stands for nothing.
    if (c.ref) {
      const { identity, key } = c.ref;
      await quietly(d, 'release the idempotency key', () => d.store.idempotency.release(identity, key));
    }
    await quietly(d, 'delete the job that did not start', () => deleteUnstarted(d.store, c.jobId));
    await d.audit.record(actor, {
      ...c.audit,
      outcome: failedOutcome(error),
      detail: { ...c.audit.detail, upstreamCode },
    });
    return error;
  }
  if (c.ref) {
    const { identity, key } = c.ref;
    await quietly(d, 'mark the idempotency key unknown', () =>
      d.store.idempotency.markUnknown(identity, key, { jobId: c.jobId, reason: safeReason(error) }),
    );
  }
  await d.audit.record(actor, {
    ...c.audit,
    outcome: 'unknown',
    detail: { ...c.audit.detail, reason: safeReason(error) },
  });
  d.logger.warn(
    { jobId: c.jobId, operation: c.operation, reason: safeReason(error) },
    'job start: outcome unknown',
  );
  return new OutcomeUnknownError(
    `JOB may have started the job: ${c.operation} got no answer bk-graph can trust (${safeReason(error)}). ` +
      (c.ref
        ? 'Repeating this idempotencyKey will not run it again; look the job up in JOB before starting it with a new key.'
        : 'bk-graph does not retry it; look the job up in JOB before starting it again.'),
    {
      ...(isUpstreamError(error) ? { upstream: error.upstream } : {}),
      ...(c.ref ? { idempotencyKey: c.ref.key } : {}),
    },
  );
}

export async function succeeded(
  d: OutcomeDeps,
  actor: Actor,
  c: Attempt,
  receipt: JobLaunchReceipt,
): Promise<StartedJob> {
  let job: Job | null = null;
  let started: StartedJob | null = null;
  try {
    job = await d.store.jobs.attachInstance(c.jobId, receipt.jobInstanceId, receipt.name || null);
    // A job whose callback never comes is still followed: the poller picks it up from here.
    await d.store.jobs.schedulePoll(c.jobId, new Date(d.now() + d.firstPollMs), 0);
    started = job ? toStartedJob(job) : null;
  } catch (error) {
    // JOB runs the job whatever happens here; answering it is more truthful than an error.
    d.logger.error(
      { jobId: c.jobId, jobInstanceId: receipt.jobInstanceId, reason: safeReason(error) },
      'job start: JOB accepted the job but the store could not record it',
    );
  }
  started ??= {
    id: c.jobId,
    jobInstanceId: receipt.jobInstanceId,
    bizId: c.input.bizId,
    name: receipt.name || null,
    kind: c.input.kind,
    createdBy: actor.username,
    status: null,
    finished: false,
    createdAt: new Date(d.now()),
    updatedAt: new Date(d.now()),
  };
  if (c.ref) {
    const { identity, key } = c.ref;
    const result = started;
    await quietly(d, 'record the idempotency result', () =>
      d.store.idempotency.complete(identity, key, result),
    );
  }
  await d.audit.record(actor, {
    ...c.audit,
    upstreamRequestId: receipt.requestId,
    outcome: 'ok',
    detail: { ...c.audit.detail, jobInstanceId: receipt.jobInstanceId },
  });
  if (job) await publishJob(d, job);
  return started;
}

/** The audit entry of an attempt, before its outcome is known. */
export function auditOf(
  input: ValidExecution,
  operation: Operation,
  ref: KeyRef | null,
  jobId: string,
  approvalId: string | null,
): AuditRecord {
  const what =
    input.kind === 'plan'
      ? `plan ${input.planId}`
      : input.scriptId !== undefined
        ? `script ${input.scriptId}`
        : `script sha256:${scriptHash(input.script ?? '')}`;
  return {
    action: operation,
    target: `${what} in business ${input.bizId}`,
    hostCount: targetHostCount(input),
    idempotencyKey: ref?.key ?? null,
    outcome: 'ok',
    detail: { jobId, ...(approvalId ? { approvalId } : {}) },
  };
}

// Private: the jobs repository has no delete; a job JOB refused never gets an instance id, and
// only such a row is removed.
async function deleteUnstarted(store: Store, jobId: string): Promise<void> {
  await store.db.deleteFrom('jobs').where('id', '=', jobId).where('job_instance_id', 'is', null).execute();
}

/** A bookkeeping step: its failure is logged, never allowed to hide JOB's answer. */
export async function quietly(
  d: Pick<OutcomeDeps, 'logger'>,
  what: string,
  fn: () => Promise<unknown>,
): Promise<void> {
  try {
    await fn();
  } catch (error) {
    d.logger.error({ reason: safeReason(error) }, `job start: could not ${what}`);
  }
}
