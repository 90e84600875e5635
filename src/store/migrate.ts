import { Migrator, PostgresAdapter, type Kysely } from 'kysely';
import type { Database, StoreKind } from './database';
import { StoreMigrationError, StoreUnavailableError, unavailableReason } from './errors';
import type { StoreLogger } from './logger';
import { migrationProvider } from './migrations';

/**
 * Runs every pending migration (a no-op when there is none).
 *
 * Replicas starting together are safe: Kysely's PostgresAdapter (kysely 0.28) takes a
 * session-level `pg_advisory_lock` (with a lock_timeout) around the migration transaction and
 * releases it afterwards (or the session's end does, if the process dies), so one migrates and the
 * others then find nothing to do. kysely-pglite-dialect's `createAdapter()` returns that same
 * PostgresAdapter (checked below, so a dialect upgrade that changed it would fail loudly).
 * Creating the schema and Kysely's own tables happens before the lock; Kysely tolerates losing
 * that race ("already exists" is checked again after an error).
 */
export async function migrate(
  db: Kysely<Database>,
  kind: StoreKind,
  schema: string,
  logger?: StoreLogger,
): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) {
    throw new StoreMigrationError(kind, null, 'the dialect does not use the Postgres migration lock');
  }
  // The schema is explicit even for `public`: without it Kysely would take a kysely_migration
  // table in any other schema of the database as ours.
  const migrator = new Migrator({ db, provider: migrationProvider, migrationTableSchema: schema });
  let { error, results = [] } = await migrator.migrateToLatest();
  // Kysely's migrator looks for its tables by introspecting every schema of the database, and
  // that query fails when another schema is dropped while it runs ("schema … does not exist",
  // SQLSTATE 3F000): nothing to do with ours, so it is simply run again.
  for (let attempt = 1; attempt <= 5 && isOtherSchemaGone(error, schema); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    ({ error, results = [] } = await migrator.migrateToLatest());
  }
  for (const r of results) {
    if (r.status === 'Success') logger?.info({ migration: r.migrationName, schema }, 'store: migrated');
  }
  if (error === undefined) return;
  const reason = unavailableReason(error);
  if (reason !== null) throw new StoreUnavailableError(kind, reason);
  const failed = results.find((r) => r.status === 'Error')?.migrationName ?? null;
  const message = (error as { message?: unknown } | null)?.message;
  throw new StoreMigrationError(kind, failed, typeof message === 'string' ? message : String(error));
}

function isOtherSchemaGone(error: unknown, ours: string): boolean {
  const e = error as { code?: unknown; message?: unknown } | undefined;
  if (e?.code !== '3F000' || typeof e.message !== 'string') return false;
  return !e.message.includes(`"${ours}"`);
}
