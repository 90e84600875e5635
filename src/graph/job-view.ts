import { jobStatusName } from '../upstream/job/map';
import type { Loaders } from '../loaders';
import { inBizKey } from '../loaders/host.loaders';
import type { JobLogKey } from '../loaders/job-log.loader';
import type { HostRef } from '../loaders/refs';
import type { Actor } from '../services';
import type { JobService, StartedJob } from '../services/jobs';
import type { JobHostLog, JobHostStatus, JobInstance, JobStatus, JobStepType } from '../upstream/domain';
import { wireId } from '../upstream/ids';

/**
 * A JOB execution as the `Job` type resolves it: the domain answer in the schema's names
 * (`MANUAL` steps are `MANUAL_CONFIRM`, unknown host codes `OTHER`), with what each host result
 * needs to load its host and log later, only if the query asks.
 */
export interface JobNode {
  id: string;
  businessId: string;
  name: string;
  status: JobStatus;
  /** Null only for a just-started job JOB could not be asked about yet. */
  statusCode: number | null;
  finished: boolean;
  createdAt: Date | null;
  startedAt: Date | null;
  endedAt: Date | null;
  steps: JobStepNode[];
}

export type StepTypeName = Exclude<JobStepType, 'MANUAL'> | 'MANUAL_CONFIRM';

export interface JobStepNode {
  id: string;
  name: string;
  type: StepTypeName;
  status: JobStatus;
  statusCode: number;
  startedAt: Date | null;
  endedAt: Date | null;
  hosts: JobHostNode[];
}

export interface JobHostNode {
  hostId: string | null;
  ip: string | null;
  cloudId: number | null;
  status: Exclude<JobHostStatus, 'UNKNOWN'> | 'OTHER';
  statusCode: number;
  exitCode: number | null;
  /** The business the execution runs in: the host is looked up there. */
  businessId: string;
  /** Null for a result JOB gives by IP only (JOB's log API is asked by host id). */
  logKey: JobLogKey | null;
}

export const stepTypeOf = (type: JobStepType): StepTypeName => (type === 'MANUAL' ? 'MANUAL_CONFIRM' : type);

export function toJobNode(job: JobInstance): JobNode {
  return {
    id: job.id,
    businessId: job.businessId,
    name: job.name,
    status: job.status,
    statusCode: job.statusCode,
    finished: job.finished,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    endedAt: job.endedAt,
    steps: job.steps.map((step) => ({
      id: step.id,
      name: step.name,
      type: stepTypeOf(step.type),
      status: step.status,
      statusCode: step.statusCode,
      startedAt: step.startedAt,
      endedAt: step.endedAt,
      hosts: step.hosts.map((h) => ({
        hostId: h.hostId,
        ip: h.ip,
        cloudId: h.cloudId,
        status: h.status === 'UNKNOWN' ? 'OTHER' : h.status,
        statusCode: h.statusCode,
        exitCode: h.exitCode,
        businessId: job.businessId,
        logKey:
          h.hostId === null
            ? null
            : {
                bizId: job.businessId,
                jobInstanceId: job.id,
                stepInstanceId: step.id,
                hostId: h.hostId,
                finished: job.finished,
              },
      })),
    })),
  };
}

/** Who reads a job: the caller, with the credentials they presented. */
export interface JobReader {
  readonly identity: { readonly username: string } | null;
  readonly tenantId: string | null;
  readonly credentials: Actor['credentials'];
  readonly requestId: string;
  readonly deadline: number;
}

/**
 * The actor `jobView` reads with. A read needs no verified user name (JOB checks the forwarded
 * credentials), so unlike a mutation's actor it works for access tokens bk-graph cannot describe.
 */
export function readerActor(reader: JobReader): Actor {
  return {
    username: reader.identity?.username ?? '',
    tenantId: reader.tenantId,
    credentials: reader.credentials,
    requestId: reader.requestId,
    deadline: reader.deadline,
    mode: 'user',
  };
}

/** Business and execution ids as BlueKing spells them; BAD_USER_INPUT naming the argument otherwise. */
export function jobIds(businessId: string, id: string, fields = { businessId: 'businessId', id: 'id' }) {
  return {
    bizId: String(wireId(businessId, fields.businessId)),
    jobInstanceId: String(wireId(id, fields.id)),
  };
}

export interface ReadJobOptions {
  /** Read JOB again even if this request did already (each event of a subscription). */
  fresh?: boolean;
}

/**
 * One execution through the jobs service's `jobView` (the caller's rights: a hidden business is
 * FORBIDDEN with the permission), once per request, a finished one from the identity-scoped
 * cache; null when JOB has no such execution in the business.
 */
export async function readJob(
  loaders: Loaders,
  jobs: Pick<JobService, 'jobView'>,
  actor: Actor,
  businessId: string,
  id: string,
  options: ReadJobOptions = {},
): Promise<JobNode | null> {
  const key = jobIds(businessId, id);
  const job = await loaders.jobs.load(
    key,
    () => jobs.jobView(actor, key.bizId, key.jobInstanceId),
    options.fresh ? { fresh: true } : {},
  );
  return job ? toJobNode(job) : null;
}

/**
 * The execution a mutation started, as JOB reports it now. The job did start: if reading it fails
 * (JOB's view permission, a hiccup), the mutation still answers it, from what bk-graph recorded
 * (its status as last known, no steps yet) rather than failing a run that happened.
 */
export async function startedJobNode(
  loaders: Loaders,
  jobs: Pick<JobService, 'jobView'>,
  actor: Actor,
  started: StartedJob,
  onReadFailure: (error: unknown) => void,
): Promise<JobNode> {
  try {
    const node = await readJob(loaders, jobs, actor, started.bizId, started.jobInstanceId, { fresh: true });
    if (node) return node;
  } catch (error) {
    onReadFailure(error);
  }
  return {
    id: started.jobInstanceId,
    businessId: started.bizId,
    name: started.name ?? '',
    status: started.status === null ? 'UNKNOWN' : jobStatusName(started.status),
    statusCode: started.status,
    finished: started.finished,
    createdAt: started.createdAt,
    startedAt: null,
    endedAt: null,
    steps: [],
  };
}

/** A host result's CMDB host, batched with every other host of the response (≤500 per call). */
export function hostOfResult(loaders: Loaders, result: JobHostNode): Promise<HostRef | null> | null {
  return result.hostId === null ? null : loaders.hostInBiz.load(inBizKey(result.businessId, result.hostId));
}

/** A host result's log, batched per step across the response (≤500 hosts per call). */
export function logOfResult(loaders: Loaders, result: JobHostNode): Promise<string | null> | null {
  return result.logKey === null ? null : loaders.jobHostLog.load(result.logKey).then(logText);
}

/** Script output as JOB gives it; a file step's per-file lines, one per line. */
export function logText(log: JobHostLog | null): string | null {
  if (!log) return null;
  if (log.logType === 'SCRIPT') return log.content ?? '';
  return log.fileLogs.map((f) => f.content).join('\n');
}
