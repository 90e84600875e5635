import type { PGlite } from '@electric-sql/pglite';
import { sql, type Kysely, type Transaction } from 'kysely';
import { openPglite } from './connect-pglite';
import { connectPostgres } from './connect-postgres';
import type { Database, StoreKind } from './database';
import { StoreUnavailableError, toStoreError } from './errors';
import type { StoreLogger } from './logger';
import { migrate } from './migrate';
import { createRepositories, type Repositories } from './repositories';
import { assertSchemaName } from './schema-name';

export interface StoreOptions {
  /** PostgreSQL (`DATABASE_URL`); null: the embedded PGlite in `dataDir`. */
  databaseUrl: string | null;
  /** Folder of the embedded PGlite (created if missing); `memory://` keeps it in memory. */
  dataDir: string;
  /**
   * Schema of every table, created if missing. Tests give each file its own, so files sharing one
   * database do not see each other's rows.
   * @default 'public'
   */
  schema?: string;
  logger?: StoreLogger;
  /**
   * Connections in the Postgres pool.
   * @default 10
   */
  poolMax?: number;
  /**
   * Bound on opening one Postgres connection, so an unreachable server fails instead of hanging.
   * @default 5000
   */
  connectTimeoutMs?: number;
  /**
   * Postgres statement_timeout of every connection.
   * @default 15000
   */
  statementTimeoutMs?: number;
  /**
   * Bound on ping() (`/readyz`).
   * @default 1500
   */
  pingTimeoutMs?: number;
}

/** The repositories bound to one transaction, and the transaction itself for anything else. */
export interface StoreTransaction extends Repositories {
  readonly db: Transaction<Database>;
}

/**
 * The durable store: tickets, approvals, jobs, idempotency keys, the audit log, callback inboxes,
 * the approved-job outbox and leases. Its repositories throw StoreUnavailableError when the
 * database cannot be used; other errors are bugs.
 */
export interface Store extends Repositories {
  readonly kind: StoreKind;
  readonly schema: string;
  readonly db: Kysely<Database>;
  /** The embedded database, for the event bus's LISTEN; null on Postgres. */
  readonly pglite: PGlite | null;
  /** Resolves when the database answers `SELECT 1` within the ping bound; else StoreUnavailableError. */
  ping(): Promise<void>;
  /**
   * Runs `fn` in one transaction, committed when it resolves and rolled back when it throws. Use
   * only the repositories `fn` is given: on PGlite (one connection) a query through the store's own
   * repositories would wait for the transaction to end, which waits for it.
   */
  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /** Ends the pool (or closes PGlite). Safe to call more than once. */
  close(): Promise<void>;
}

/** Opens the store and brings its schema up to date; throws StoreUnavailableError or StoreMigrationError. */
export async function openStore({
  databaseUrl,
  dataDir,
  schema: schemaOption = 'public',
  logger,
  poolMax = 10,
  connectTimeoutMs = 5000,
  statementTimeoutMs = 15_000,
  pingTimeoutMs = 1500,
}: StoreOptions): Promise<Store> {
  const schema = assertSchemaName(schemaOption);
  const kind: StoreKind = databaseUrl ? 'postgres' : 'pglite';
  const { db, pglite } = databaseUrl
    ? {
        db: connectPostgres({ databaseUrl, schema, logger, poolMax, connectTimeoutMs, statementTimeoutMs }),
        pglite: null,
      }
    : await openPglite(dataDir, schema);
  try {
    await migrate(db, kind, schema, logger);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    kind,
    schema,
    db,
    pglite,
    ...createRepositories(db, kind),

    async ping() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new StoreUnavailableError(kind, 'ping timed out')), pingTimeoutMs);
      });
      try {
        await Promise.race([sql`select 1`.execute(db), timeout]);
      } catch (error) {
        throw toStoreError(error, kind);
      } finally {
        clearTimeout(timer);
      }
    },

    async transaction(fn) {
      try {
        return await db.transaction().execute((trx) => fn({ db: trx, ...createRepositories(trx, kind) }));
      } catch (error) {
        throw toStoreError(error, kind);
      }
    },

    close() {
      closing ??= db.destroy();
      return closing;
    },
  };
}
