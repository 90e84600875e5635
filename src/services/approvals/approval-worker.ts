import { ErrorCode, StoreUnavailableGraphError } from '../../errors';
import type { EventBus } from '../../events';
import { StoreUnavailableError, type Approval, type Store } from '../../store';
import { systemActor } from '../actor';
import { identityOf } from '../jobs';
import type { JobLauncher, JobVariableInput } from '../jobs/types';
import { errorName } from '../tickets/error-name';
import type { ServiceLogger } from '../tickets/logger';
import { publishSafely } from '../tickets/publish';
import { APPROVAL_OUTBOX_TOPIC, approvalTopic } from '../tickets/topics';
import { approvalEvent } from './follow-ticket';
import { runKey } from './run-key';
import { openVariables } from './sealed-variables';
import { SECRETS_UNREADABLE, SecretsUnreadableError, type SecretBox } from './secret-box';

export interface ApprovalWorkerOptions {
  store: Store;
  events: EventBus;
  launcher: JobLauncher;
  logger: ServiceLogger;
  /** This replica, as the outbox claims' holder. */
  holder: string;
  /** Opens the run's sealed password values (the service's box sealed them). */
  secrets: SecretBox;
  /**
   * Time between sweeps of the outbox (besides the wake-ups of approval events).
   * @default 5000
   */
  sweepIntervalMs?: number;
  /**
   * Bound on one launch (the JOB call included): the system actor's deadline.
   * @default 60000
   */
  launchDeadlineMs?: number;
  /**
   * After this long a claim counts as its worker's death and is taken over. Must exceed
   * launchDeadlineMs, or a live worker's slow launch would be taken over.
   * @default 300000
   */
  claimStaleMs?: number;
  /**
   * Approvals claimed at once.
   * @default 10
   */
  batchSize?: number;
  /**
   * How long a FAILED approval keeps its encrypted secrets for a RUN_AGAIN; then they are erased
   * and RUN_AGAIN is refused (a new request is needed).
   * @default 604800000 (7 days)
   */
  failedSecretsRetentionMs?: number;
}

export interface ApprovalWorker {
  /** Stops claiming, ends the subscription and waits for the launches in progress. */
  stop(): Promise<void>;
  /** Claims and runs what is due now; resolves to how many approvals it handled. */
  runOnce(): Promise<number>;
}

const STORE_DOWN = (e: unknown) =>
  e instanceof StoreUnavailableError || e instanceof StoreUnavailableGraphError;
const inProgress = (e: unknown) =>
  (e as { extensions?: { inProgress?: unknown } }).extensions?.inProgress === true;
const codeOf = (e: unknown) =>
  typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;

/**
 * Runs approved executions exactly once. An approval reaches the outbox in the transaction that
 * made it APPROVED; a worker claims it (FOR UPDATE SKIP LOCKED: replicas never share an entry),
 * moves it APPROVED → EXECUTING (compare-and-set), and launches the plan as the requester, under
 * the approval's idempotency key. JOB accepted → EXECUTED with the job; JOB refused → FAILED; JOB
 * may or may not have started it → AMBIGUOUS, for a person to resolve (never re-run by itself).
 *
 * A worker that dies leaves its claim behind; once stale another worker takes the entry over.
 * The approval is then EXECUTING, and the launcher's key tells what happened: never used → the
 * run starts now; used and done → the same job, no second call; used but unfinished or unknown →
 * OUTCOME_UNKNOWN → AMBIGUOUS.
 */
export function startApprovalWorker(options: ApprovalWorkerOptions): ApprovalWorker {
  const { store, events, launcher, logger, holder, secrets } = options;
  const {
    sweepIntervalMs = 5000,
    launchDeadlineMs = 60_000,
    claimStaleMs = 300_000,
    batchSize = 10,
    failedSecretsRetentionMs = 7 * 86_400_000,
  } = options;
  if (claimStaleMs <= launchDeadlineMs) {
    throw new TypeError(
      `claimStaleMs must exceed launchDeadlineMs, but got ${claimStaleMs} ≤ ${launchDeadlineMs}.`,
    );
  }
  const abort = new AbortController();
  let stopped = false;
  let running: Promise<number> | null = null;
  let again = false;

  const publish = (a: Approval) => publishSafely(events, logger, approvalTopic(a.id), approvalEvent(a));

  /*
   * An approval's encrypted secrets live as long as it may still run: an EXECUTED (or REJECTED,
   * or MARK_EXECUTED) one erases them in the same update; AMBIGUOUS and FAILED keep them, since
   * RUN_AGAIN applies to both, and a FAILED one's are erased after failedSecretsRetentionMs.
   */
  async function finish(
    a: Approval,
    to: 'EXECUTED' | 'FAILED' | 'AMBIGUOUS',
    patch: { jobId?: string; note?: string },
  ) {
    // From AMBIGUOUS too: if a slow launch was taken over and marked AMBIGUOUS meanwhile, the
    // launcher that knows the job did start has the last word.
    const from: Approval['state'][] = to === 'EXECUTED' ? ['EXECUTING', 'AMBIGUOUS'] : ['EXECUTING'];
    const next = await store.approvals.transition(a.id, from, to, {
      ...patch,
      eraseSecrets: to === 'EXECUTED',
    });
    await store.outbox.done(a.id);
    if (next) await publish(next);
  }

  async function execute(id: string): Promise<void> {
    let approval = await store.approvals.get(id);
    if (approval?.state === 'APPROVED') {
      approval = await store.approvals.transition(id, ['APPROVED'], 'EXECUTING');
      if (!approval) return; // someone else moved it first
      await publish(approval);
    } else if (approval?.state !== 'EXECUTING') {
      await store.outbox.done(id); // gone, or settled already
      return;
    }
    const a = approval;
    const actor = systemActor(a.createdBy, a.tenantId, `approval-${a.id}`, Date.now() + launchDeadlineMs);
    let variables: JobVariableInput[];
    try {
      // Stored by requestJobPlanExecution: the request's variables, checked against the plan, with
      // the password values sealed; they are opened here, only for this call, and never stored.
      variables = openVariables(secrets, a);
    } catch (error) {
      if (!(error instanceof SecretsUnreadableError)) throw error;
      return unreadable(a, actor, error);
    }
    let job;
    try {
      job = await launcher.launch(
        actor,
        { kind: 'plan', bizId: a.bizId, planId: a.planId, variables },
        { idempotencyKey: runKey(a), approvalId: a.id },
      );
    } catch (error) {
      // Nothing was sent (the launcher claims its key in the store first): the claim goes stale
      // and the entry is taken again.
      if (STORE_DOWN(error)) throw error;
      // The launcher waited out its deadline for a call still in progress under this key (a
      // worker whose claim went stale is still alive): ask again once this claim is stale.
      if (codeOf(error) === ErrorCode.OUTCOME_UNKNOWN && inProgress(error)) throw error;
      if (codeOf(error) === ErrorCode.OUTCOME_UNKNOWN) {
        logger.warn({ approvalId: a.id }, 'approved job may or may not have started: AMBIGUOUS');
        return finish(a, 'AMBIGUOUS', {
          note: 'JOB may or may not have started this job; resolve it (MARK_EXECUTED, MARK_FAILED or RUN_AGAIN)',
        });
      }
      logger.warn({ approvalId: a.id, error: errorName(error) }, 'approved job refused');
      return finish(a, 'FAILED', { note: `JOB did not start the job (${String(codeOf(error) ?? 'error')})` });
    }
    return finish(a, 'EXECUTED', { jobId: job.id });
  }

  /**
   * Sealed values that do not open: nothing goes to JOB. Unless this run's key was already used
   * (a worker that could open them launched, then died: JOB may have the job, so AMBIGUOUS), the
   * run certainly never started: FAILED, with the code in the note. The ciphertext is kept, so a
   * RUN_AGAIN once STORE_SECRET is set right again still runs it.
   */
  async function unreadable(
    a: Approval,
    actor: ReturnType<typeof systemActor>,
    error: SecretsUnreadableError,
  ) {
    const launched = await store.idempotency.get(identityOf(actor), runKey(a));
    logger.warn({ approvalId: a.id, error: error.code }, 'approved job: its secrets do not open');
    if (launched) {
      return finish(a, 'AMBIGUOUS', {
        note: `its password values do not open (${SECRETS_UNREADABLE}) and an earlier attempt may have started it in JOB; resolve it (MARK_EXECUTED, MARK_FAILED or RUN_AGAIN)`,
      });
    }
    return finish(a, 'FAILED', {
      note: `bk-graph could not decrypt its password values (${SECRETS_UNREADABLE}): ${error.message}; nothing was sent to JOB`,
    });
  }

  async function eraseStaleSecrets() {
    try {
      const erased = await store.approvals.eraseStaleSecrets('FAILED', failedSecretsRetentionMs);
      if (erased) logger.info({ erased }, 'erased the secrets of approvals FAILED long ago');
    } catch (error) {
      logger.warn({ error: errorName(error) }, 'could not erase stale approval secrets');
    }
  }

  async function drain(): Promise<number> {
    let handled = 0;
    do {
      again = false;
      const ids = await store.outbox.claim(holder, batchSize, claimStaleMs);
      const results = await Promise.allSettled(ids.map(execute));
      for (const r of results) {
        if (r.status === 'rejected') logger.warn({ error: errorName(r.reason) }, 'approval not executed yet');
      }
      handled += ids.length;
      if (ids.length === batchSize) again = true;
    } while (again && !stopped);
    return handled;
  }

  function runOnce(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = drain().finally(() => {
      running = null;
    });
    return running;
  }

  const kick = () => {
    if (!stopped)
      runOnce().catch((e: unknown) => logger.warn({ error: errorName(e) }, 'approval sweep failed'));
  };

  void (async () => {
    try {
      for await (const _event of events.subscribe(APPROVAL_OUTBOX_TOPIC, abort.signal)) kick();
    } catch (error) {
      logger.warn({ error: errorName(error) }, 'approval wake-ups lost; sweeping only');
    }
  })();
  const timer = setInterval(() => {
    kick();
    if (!stopped) void eraseStaleSecrets();
  }, sweepIntervalMs);
  timer.unref?.();
  kick();
  void eraseStaleSecrets();

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      abort.abort();
      await running?.catch(() => undefined);
    },
  };
}
