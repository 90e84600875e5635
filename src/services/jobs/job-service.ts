import type { EventBus } from '../../events';
import { StoreUnavailableGraphError } from '../../errors';
import type { RequestLogger } from '../../logger';
import type { Store } from '../../store';
import { StoreUnavailableError } from '../../store';
import type { Clients } from '../../upstream/clients';
import type { JobInstance } from '../../upstream/domain';
import type { Actor } from '../actor';
import { createAuditLog, type AuditLog } from '../audit';
import { executionHashKey } from './fingerprint';
import { createLaunch } from './launch';
import { toStartedJob } from './started-job';
import { applyJobStatus, statusUpdateOf } from './status';
import type { JobLauncher, StartedJob } from './types';
import { viewJob } from './view';

export interface JobServiceDeps {
  store: Store;
  clients: Pick<Clients, 'job'>;
  events: EventBus;
  /**
   * How JOB reaches bk-graph (PUBLIC_URL): callbacks go to `${publicUrl}/callbacks/job`. A function
   * is read at each launch, for a server that learns its address only once it listens.
   */
  publicUrl: string | (() => string);
  logger: RequestLogger;
  /** @default Date.now */
  now?: () => number;
  /** @default an audit log over `store` */
  audit?: AuditLog;
  /**
   * Age at which a pending idempotency claim counts as abandoned (its process died mid-call): longer
   * than any execute call may take (the gateway gives JOB 60 s).
   * @default 120000
   */
  pendingStaleMs?: number;
  /**
   * When a started job is first polled, should its callback not come.
   * @default 1000
   */
  firstPollMs?: number;
  /** @default JOB_LIMITS.targetHosts */
  maxTargetHosts?: number;
  /**
   * The store key (Config.storeKey): idempotency records bind an execution's input with an HMAC
   * under it. The server always passes it; without it (service tests) the hash is plain SHA-256.
   */
  storeKey?: Buffer;
}

/** What the GraphQL layer calls for jobs: starting them, reading them, recording their status. */
export interface JobService extends JobLauncher {
  /** The execution as JOB reports it (steps, per-host results) with the actor's rights; null when unknown. */
  jobView(actor: Actor, bizId: string, jobInstanceId: string): Promise<JobInstance | null>;
  /**
   * Records a get_job_instance_status answer for a job bk-graph started (compare-and-set; a
   * finished job never moves back) and publishes `job:<bizId>:<id>` when it changed. `job` is null
   * for an execution bk-graph did not start.
   */
  applyStatus(instance: JobInstance): Promise<{ changed: boolean; job: StartedJob | null }>;
  /** The job bk-graph started as this JOB instance of the business, or null. */
  startedJob(bizId: string, jobInstanceId: string): Promise<StartedJob | null>;
}

export function createJobService(deps: JobServiceDeps): JobService {
  const { store, events, logger, publicUrl } = deps;
  const now = deps.now ?? Date.now;
  const audit = deps.audit ?? createAuditLog({ store, logger });
  const launch = createLaunch({
    store,
    job: deps.clients.job,
    events,
    publicUrl: () => (typeof publicUrl === 'function' ? publicUrl() : publicUrl).replace(/\/+$/, ''),
    logger,
    audit,
    now,
    pendingStaleMs: deps.pendingStaleMs ?? 120_000,
    firstPollMs: deps.firstPollMs ?? 1000,
    ...(deps.maxTargetHosts !== undefined ? { maxTargetHosts: deps.maxTargetHosts } : {}),
    ...(deps.storeKey ? { inputKey: executionHashKey(deps.storeKey) } : {}),
  });

  return {
    launch,
    jobView: (actor, bizId, jobInstanceId) => viewJob(deps.clients.job, actor, bizId, jobInstanceId),

    async applyStatus(instance) {
      const { changed, job } = await storeRead('applyStatus', () =>
        applyJobStatus({ store, events, logger }, instance.id, statusUpdateOf(instance)),
      );
      // JOB instance ids are unique across JOB, so the instance id alone names the row.
      return { changed, job: job ? toStartedJob(job) : null };
    },

    async startedJob(bizId, jobInstanceId) {
      const job = await storeRead('startedJob', () => store.jobs.findByInstance(jobInstanceId));
      return job && job.bizId === bizId ? toStartedJob(job) : null;
    },
  };
}

async function storeRead<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw new StoreUnavailableGraphError(operation);
    throw error;
  }
}
