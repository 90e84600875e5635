import { sql } from 'kysely';
import type { StoreTransaction } from '../../store';

/**
 * Queues an approval for execution again (RUN_AGAIN), in the caller's transaction. outbox.enqueue
 * adds an approval once and ignores repeats, so a done entry is put back to pending here. This
 * belongs in the store's outbox repository; until it has it, it lives here.
 */
export async function requeue(tx: StoreTransaction, approvalId: string): Promise<void> {
  await tx.db
    .insertInto('job_outbox')
    .values({ approval_id: approvalId, state: 'pending' })
    .onConflict((oc) =>
      oc.column('approval_id').doUpdateSet({
        state: 'pending',
        claimed_by: null,
        claimed_at: null,
        updated_at: sql<Date>`now()`,
      }),
    )
    .execute();
}
