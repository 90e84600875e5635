import { sql } from 'kysely';
import type { Store } from '../../store';

/*
 * The inbox queries the callback route needs beyond ticketCallbacks.record(). They belong in the
 * store's ticket-callbacks repository; until it has them they live here, on the store's Kysely
 * instance, inside store.transaction so a database that is down throws StoreUnavailableError as
 * every repository does.
 */

/** Outcomes of an inbox row whose verified callback still waits for its ticket to be stored. */
const WAITING = ['received', 'unknown_ticket'];

/** Sets what the route made of a callback once it knows (the row is written before that). */
export async function settleInboxRow(store: Store, id: number, outcome: string): Promise<void> {
  await store.transaction(async ({ db }) => {
    await db.updateTable('ticket_callbacks').set({ outcome }).where('id', '=', id).execute();
  });
}

/** The newest inbox id, read before create_ticket: a callback for the new sn can only come later. */
export async function inboxHighWater(store: Store): Promise<number> {
  return store.transaction(async ({ db }) => {
    const row = await db
      .selectFrom('ticket_callbacks')
      .select(sql<string | number | null>`max(id)`.as('max'))
      .executeTakeFirst();
    return Number(row?.max ?? 0);
  });
}

/**
 * Ids of verified callbacks for `sn` received after `afterId` that found no ticket (or are still
 * looking for it): ITSM called back before create_ticket's answer was stored. Ids come from a
 * sequence, so every row inserted after the high-water mark was read has a larger id; the scan
 * runs on the primary key from there and stays cheap however large the inbox grows.
 */
export async function earlyCallbacks(store: Store, sn: string, afterId: number): Promise<number[]> {
  return store.transaction(async ({ db }) => {
    const rows = await db
      .selectFrom('ticket_callbacks')
      .select('id')
      .where('id', '>', afterId)
      .where('sn', '=', sn)
      .where('token_ok', '=', true)
      .where('outcome', 'in', WAITING)
      .execute();
    return rows.map((r) => Number(r.id));
  });
}
