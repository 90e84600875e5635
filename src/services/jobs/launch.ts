import { randomUUID } from 'node:crypto';
import type { EventBus } from '../../events';
import { StoreUnavailableGraphError } from '../../errors';
import type { RequestLogger } from '../../logger';
import type { Store } from '../../store';
import { StoreUnavailableError } from '../../store';
import type { JobClient, JobLaunchReceipt } from '../../upstream/job';
import type { CallContext } from '../../upstream/types';
import type { Actor } from '../actor';
import type { AuditLog } from '../audit';
import { executionHash, newCallbackToken } from './fingerprint';
import { claimKey, type KeyRef } from './idempotency';
import { auditOf, failed, quietly, succeeded, type Operation } from './launch-outcome';
import { reviveStartedJob, toStartedJob } from './started-job';
import type { JobLauncher, StartedJob } from './types';
import { validateExecution, validateKey, type ValidExecution } from './validate';

export interface LaunchDeps {
  store: Store;
  job: JobClient;
  events: EventBus;
  /** PUBLIC_URL without a trailing slash, read at each launch. */
  publicUrl: () => string;
  logger: RequestLogger;
  audit: AuditLog;
  now: () => number;
  pendingStaleMs: number;
  firstPollMs: number;
  maxTargetHosts?: number;
  /** executionHash's key (executionHashKey of the store key); none: a plain hash (tests). */
  inputKey?: Buffer;
}

/** Idempotency keys are per identity: the same user name in two tenants is two people. */
export function identityOf(actor: Pick<Actor, 'tenantId' | 'username'>): string {
  return `${actor.tenantId ?? ''}:${actor.username}`;
}

/**
 * JobLauncher.launch: validate, claim the key, record the job (with the secret of its callback
 * URL), call JOB once, and record what came of it. The store is written before JOB is called at
 * every step, so nothing reaches JOB that the store does not know about.
 */
export function createLaunch(d: LaunchDeps): JobLauncher['launch'] {
  return async (actor, request, options = {}) => {
    const input = validateExecution(request, { maxTargetHosts: d.maxTargetHosts });
    const key = validateKey(options.idempotencyKey);
    const operation: Operation = input.kind === 'plan' ? 'executeJobPlan' : 'fastExecuteScript';
    const approvalId = options.approvalId ?? null;
    const ref: KeyRef | null = key
      ? {
          identity: identityOf(actor),
          key,
          operation,
          inputHash: executionHash(operation, input, approvalId, d.inputKey),
        }
      : null;
    if (ref) {
      const claim = await storeStep(operation, () =>
        claimKey(d, ref, { deadline: actor.deadline, staleMs: d.pendingStaleMs }),
      );
      if (claim.kind === 'done') return replay(d, claim.result);
    }
    return start(d, actor, input, operation, ref, approvalId);
  };
}

async function start(
  d: LaunchDeps,
  actor: Actor,
  input: ValidExecution,
  operation: Operation,
  ref: KeyRef | null,
  approvalId: string | null,
): Promise<StartedJob> {
  const jobId = randomUUID();
  const { token, hash } = newCallbackToken();
  await storeStep(operation, async () => {
    try {
      await d.store.jobs.insert({
        id: jobId,
        bizId: input.bizId,
        kind: input.kind,
        name: input.kind === 'script' ? (input.name ?? null) : null,
        createdBy: actor.username,
        tenantId: actor.tenantId,
        callbackTokenHash: hash,
        approvalId,
      });
    } catch (error) {
      if (ref)
        await quietly(d, 'release the idempotency key', () =>
          d.store.idempotency.release(ref.identity, ref.key),
        );
      throw error;
    }
  });

  const audit = auditOf(input, operation, ref, jobId, approvalId);
  const callbackUrl = `${d.publicUrl()}/callbacks/job?token=${token}`;
  let receipt: JobLaunchReceipt;
  try {
    receipt = await callJob(d.job, actor, input, callbackUrl);
  } catch (error) {
    throw await failed(d, actor, error, { jobId, ref, audit, operation, input });
  }
  return succeeded(d, actor, { jobId, ref, audit, operation, input }, receipt);
}

function callJob(job: JobClient, actor: Actor, input: ValidExecution, callbackUrl: string) {
  const ctx: CallContext = {
    credentials: actor.credentials,
    tenantId: actor.tenantId,
    requestId: actor.requestId,
    deadline: actor.deadline,
  };
  if (input.kind === 'plan')
    return job.startJobPlan(
      { bizId: input.bizId, planId: input.planId, variables: input.variables, callbackUrl, mode: actor.mode },
      ctx,
    );
  return job.startScript(
    {
      bizId: input.bizId,
      script: input.script,
      scriptId: input.scriptId,
      language: input.language,
      params: input.params,
      sensitive: input.sensitiveParams,
      timeoutSeconds: input.timeoutSeconds,
      accountAlias: input.accountAlias,
      accountId: input.accountId,
      hostIds: input.hostIds,
      name: input.name,
      callbackUrl,
      mode: actor.mode,
    },
    ctx,
  );
}

/** The first call's StartedJob, as the job stands now (its status moves on; its identity does not). */
async function replay(d: LaunchDeps, result: unknown): Promise<StartedJob> {
  const first = reviveStartedJob(result);
  if (!first) throw new Error('an idempotency record in state done holds no job');
  const now = await d.store.jobs.get(first.id).catch(() => null);
  return (now && toStartedJob(now)) ?? first;
}

/** Runs a store step of a launch; the store being down means nothing was sent, and says so. */
async function storeStep<T>(operation: Operation, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw new StoreUnavailableGraphError(operation);
    throw error;
  }
}
