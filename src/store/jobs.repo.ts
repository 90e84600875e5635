import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, JobKind, JobsTable } from './database';
import { toJson } from './json';

/** One step of an execution as JOB last reported it. */
export interface JobStep {
  stepInstanceId: string;
  /** JOB's RunStatus code. */
  status: number;
}

/** An execution bk-graph started (execute_job_plan / fast_execute_script). */
export interface Job {
  id: string;
  /** JOB's id, set once JOB accepted the call. */
  jobInstanceId: string | null;
  bizId: string;
  kind: JobKind;
  name: string | null;
  createdBy: string;
  tenantId: string | null;
  /** Hash of the secret in this job's callback URL (the secret itself is never stored). */
  callbackTokenHash: string;
  /** JOB's RunStatus code, null until first reported. */
  status: number | null;
  finished: boolean;
  steps: JobStep[] | null;
  /** Bumped by every change, so subscribers can tell a repeat from news. */
  version: number;
  approvalId: string | null;
  nextPollAt: Date | null;
  pollAttempts: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewJob {
  /** Made by the caller (crypto.randomUUID) before calling JOB, so the callback URL can name it. */
  id: string;
  bizId: string;
  kind: JobKind;
  name: string | null;
  createdBy: string;
  tenantId: string | null;
  callbackTokenHash: string;
  approvalId?: string | null;
}

export interface JobStatusUpdate {
  status: number;
  finished: boolean;
  steps: JobStep[] | null;
}

/** How far claimDuePolls pushes a claimed job by default: if its poller dies mid-poll, it is due again then. */
const POLL_CLAIM_MS = 60_000;

function toJob(row: Selectable<JobsTable>): Job {
  return {
    id: row.id,
    jobInstanceId: row.job_instance_id,
    bizId: row.biz_id,
    kind: row.kind,
    name: row.name,
    createdBy: row.created_by,
    tenantId: row.tenant_id,
    callbackTokenHash: row.callback_token_hash,
    status: row.status,
    finished: row.finished,
    steps: (row.steps as JobStep[] | null) ?? null,
    version: row.version,
    approvalId: row.approval_id,
    nextPollAt: row.next_poll_at,
    pollAttempts: row.poll_attempts,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function jobsRepo(db: Kysely<Database>) {
  async function findBy(
    column: 'id' | 'job_instance_id' | 'callback_token_hash',
    value: string,
  ): Promise<Job | null> {
    const row = await db.selectFrom('jobs').selectAll().where(column, '=', value).executeTakeFirst();
    return row ? toJob(row) : null;
  }

  return {
    async insert(job: NewJob): Promise<Job> {
      const row = await db
        .insertInto('jobs')
        .values({
          id: job.id,
          biz_id: job.bizId,
          kind: job.kind,
          name: job.name,
          created_by: job.createdBy,
          tenant_id: job.tenantId,
          callback_token_hash: job.callbackTokenHash,
          approval_id: job.approvalId ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toJob(row);
    },

    /**
     * Records JOB's instance id once JOB accepted the call. Set once: returns null when the job
     * is unknown or already has another instance id.
     */
    async attachInstance(id: string, jobInstanceId: string, name?: string | null): Promise<Job | null> {
      const row = await db
        .updateTable('jobs')
        .set((eb) => ({
          job_instance_id: jobInstanceId,
          name: name === undefined ? eb.ref('name') : name,
          updated_at: sql<Date>`now()`,
        }))
        .where('id', '=', id)
        .where((eb) => eb.or([eb('job_instance_id', 'is', null), eb('job_instance_id', '=', jobInstanceId)]))
        .returningAll()
        .executeTakeFirst();
      return row ? toJob(row) : null;
    },

    get: (id: string) => findBy('id', id),
    findByInstance: (jobInstanceId: string) => findBy('job_instance_id', jobInstanceId),
    findByTokenHash: (hash: string) => findBy('callback_token_hash', hash),

    /**
     * Compare-and-set of what JOB reported (callback or poll, in any order, any number of times).
     * A finished job never becomes unfinished again (a late "running" report is ignored); an
     * identical report changes nothing. A change bumps `version` and, once finished, stops polling.
     * `row` is the job as stored afterwards (null when no job has that instance id).
     */
    async applyStatus(
      jobInstanceId: string,
      update: JobStatusUpdate,
    ): Promise<{ changed: boolean; row: Job | null }> {
      const steps = toJson(update.steps);
      const row = await db
        .updateTable('jobs')
        .set((eb) => ({
          status: update.status,
          finished: update.finished,
          steps,
          version: eb('version', '+', 1),
          next_poll_at: update.finished ? null : eb.ref('next_poll_at'),
          updated_at: sql<Date>`now()`,
        }))
        .where('job_instance_id', '=', jobInstanceId)
        .$if(!update.finished, (qb) => qb.where('finished', '=', false))
        .where(
          (eb) => sql<boolean>`(${eb.ref('status')}, ${eb.ref('finished')}, ${eb.ref('steps')})
            is distinct from (${update.status}::integer, ${update.finished}::boolean, ${steps}::jsonb)`,
        )
        .returningAll()
        .executeTakeFirst();
      if (row) return { changed: true, row: toJob(row) };
      return { changed: false, row: await findBy('job_instance_id', jobInstanceId) };
    },

    /**
     * The unfinished jobs due for a status poll at `now`, at most `limit`, each pushed
     * `claimMs` ahead in the same statement. Rows another caller has locked are skipped (FOR UPDATE
     * SKIP LOCKED) and pushed rows are no longer due, so two replicas never poll one job at once.
     * The poller then calls schedulePoll (or applyStatus, which stops polling when finished).
     * `claimMs` defaults to 60 s.
     */
    async claimDuePolls(now: Date, limit: number, claimMs: number = POLL_CLAIM_MS): Promise<Job[]> {
      const until = new Date(now.getTime() + claimMs);
      // One statement is one transaction: the CTE's row locks last until the UPDATE commits.
      const rows = await db
        .with('due', (qb) =>
          qb
            .selectFrom('jobs')
            .select('id')
            .where('finished', '=', false)
            .where('next_poll_at', '<=', now)
            .orderBy('next_poll_at')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .updateTable('jobs')
        .from('due')
        .set({ next_poll_at: until })
        .whereRef('jobs.id', '=', 'due.id')
        .returningAll('jobs')
        .execute();
      return rows.map(toJob);
    },

    /** When to poll next (null: not at all) and how many polls have been made. */
    async schedulePoll(id: string, at: Date | null, attempts: number): Promise<boolean> {
      const r = await db
        .updateTable('jobs')
        .set({ next_poll_at: at, poll_attempts: attempts, updated_at: sql<Date>`now()` })
        .where('id', '=', id)
        .where('finished', '=', false)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },
  };
}

export type JobsRepo = ReturnType<typeof jobsRepo>;
