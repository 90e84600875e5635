import { sql, type Kysely } from 'kysely';
import type { Database } from './database';

/**
 * Named leases, so one replica at a time runs a loop (ITSM reconcile, JOB polling). Expiry uses
 * the database's clock, so replicas' clocks do not matter.
 */
export function leasesRepo(db: Kysely<Database>) {
  return {
    /**
     * Takes the lease for `ttlMs`, or renews it when `holder` already has it. One statement: an
     * insert, or an update only when the lease expired or is ours, so of concurrent callers at
     * most one holds it at any time.
     */
    async acquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
      const row = await db
        .insertInto('leases')
        .values({
          name,
          holder,
          expires_at: sql<Date>`now() + ${ttlMs}::float8 * interval '1 millisecond'`,
        })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet((eb) => ({
              holder: eb.ref('excluded.holder'),
              expires_at: eb.ref('excluded.expires_at'),
            }))
            .where((eb) =>
              eb.or([
                eb('leases.expires_at', '<=', sql<Date>`now()`),
                eb('leases.holder', '=', eb.ref('excluded.holder')),
              ]),
            ),
        )
        .returning('holder')
        .executeTakeFirst();
      return row !== undefined;
    },

    /** Gives the lease up, if `holder` has it. */
    async release(name: string, holder: string): Promise<boolean> {
      const r = await db
        .deleteFrom('leases')
        .where('name', '=', name)
        .where('holder', '=', holder)
        .executeTakeFirst();
      return r.numDeletedRows > 0n;
    },
  };
}

export type LeasesRepo = ReturnType<typeof leasesRepo>;
