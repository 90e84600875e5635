import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, JobOutboxTable, OutboxState } from './database';

/** An approved execution waiting to be started (one per approval). */
export interface OutboxEntry {
  approvalId: string;
  state: OutboxState;
  claimedBy: string | null;
  claimedAt: Date | null;
  attempts: number;
  createdAt: Date;
  updatedAt: Date;
}

function toEntry(row: Selectable<JobOutboxTable>): OutboxEntry {
  return {
    approvalId: row.approval_id,
    state: row.state,
    claimedBy: row.claimed_by,
    claimedAt: row.claimed_at,
    attempts: row.attempts,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * The outbox of approved executions. It is written in the same transaction as the approval's
 * move to APPROVED (Store.transaction), so no approval is lost between the two; the worker that
 * claims an entry moves the approval on with approvals.transition, which decides "at most once".
 */
export function outboxRepo(db: Kysely<Database>) {
  return {
    /** Adds the approval once; repeats change nothing. Returns whether it was added now. */
    async enqueue(approvalId: string): Promise<boolean> {
      const row = await db
        .insertInto('job_outbox')
        .values({ approval_id: approvalId, state: 'pending' })
        .onConflict((oc) => oc.column('approval_id').doNothing())
        .returning('approval_id')
        .executeTakeFirst();
      return row !== undefined;
    },

    /**
     * Claims up to `limit` entries for `holder`: pending ones, and claimed ones whose claim is older
     * than `staleAfterMs` (their worker died). Rows another claimer has locked are skipped (FOR
     * UPDATE SKIP LOCKED), so concurrent claimers never get the same id. Times are the database's,
     * so replicas' clocks do not matter.
     */
    async claim(holder: string, limit: number, staleAfterMs: number): Promise<string[]> {
      const rows = await db
        .with('ready', (qb) =>
          qb
            .selectFrom('job_outbox')
            .select('approval_id')
            .where((eb) =>
              eb.or([
                eb('state', '=', 'pending'),
                eb.and([
                  eb('state', '=', 'claimed'),
                  eb(
                    'claimed_at',
                    '<',
                    sql<Date>`now() - ${staleAfterMs}::float8 * interval '1 millisecond'`,
                  ),
                ]),
              ]),
            )
            .orderBy('created_at')
            .limit(limit)
            .forUpdate()
            .skipLocked(),
        )
        .updateTable('job_outbox')
        .from('ready')
        .set((eb) => ({
          state: 'claimed',
          claimed_by: holder,
          claimed_at: sql<Date>`now()`,
          attempts: eb('attempts', '+', 1),
          updated_at: sql<Date>`now()`,
        }))
        .whereRef('job_outbox.approval_id', '=', 'ready.approval_id')
        .returning('job_outbox.approval_id')
        .execute();
      return rows.map((r) => r.approval_id);
    },

    async done(approvalId: string): Promise<boolean> {
      const r = await db
        .updateTable('job_outbox')
        .set({ state: 'done', updated_at: sql<Date>`now()` })
        .where('approval_id', '=', approvalId)
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    async get(approvalId: string): Promise<OutboxEntry | null> {
      const row = await db
        .selectFrom('job_outbox')
        .selectAll()
        .where('approval_id', '=', approvalId)
        .executeTakeFirst();
      return row ? toEntry(row) : null;
    },
  };
}

export type OutboxRepo = ReturnType<typeof outboxRepo>;
