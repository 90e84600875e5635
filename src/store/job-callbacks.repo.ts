import type { Kysely } from 'kysely';
import { capBody } from './cap-body';
import type { Database } from './database';

export interface JobCallbackInput {
  /** Null when the body did not name one (it is kept anyway, as evidence). */
  jobInstanceId: string | null;
  contentType: string | null;
  /** Capped at 64 KiB. */
  body: string;
  /** What the callback route made of it, e.g. `applied`, `duplicate`, `bad_token`, `malformed`. */
  outcome: string;
}

/** The inbox of JOB callbacks: every one is written before it is answered. */
export function jobCallbacksRepo(db: Kysely<Database>) {
  return {
    /** Returns the inbox row's id. */
    async record(input: JobCallbackInput): Promise<number> {
      const row = await db
        .insertInto('job_callbacks')
        .values({
          job_instance_id: input.jobInstanceId,
          content_type: input.contentType,
          body: capBody(input.body),
          outcome: input.outcome,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },
  };
}

export type JobCallbacksRepo = ReturnType<typeof jobCallbacksRepo>;
