import { Kysely, PostgresDialect } from 'kysely';
import { Pool } from 'pg';
import type { Database } from './database';
import { unavailableReason } from './errors';
import type { StoreLogger } from './logger';

export interface PostgresConnectOptions {
  databaseUrl: string;
  schema: string;
  logger?: StoreLogger;
  poolMax: number;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
}

/** A Kysely over a pg.Pool whose every connection resolves unqualified names in `schema`. */
export function connectPostgres(o: PostgresConnectOptions): Kysely<Database> {
  const pool = new Pool({
    connectionString: o.databaseUrl,
    max: o.poolMax,
    connectionTimeoutMillis: o.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'bk-graph',
    // Server-side bounds: a stuck statement or a forgotten transaction cannot hold a connection.
    statement_timeout: o.statementTimeoutMs,
    idle_in_transaction_session_timeout: 60_000,
    // Client-side bound too, for a server that stops answering without closing the socket.
    query_timeout: o.statementTimeoutMs + 5_000,
    // Set at connect time, so it holds on every pooled connection (the name is validated).
    options: `-c search_path=${o.schema}`,
  });
  // An idle connection that breaks emits 'error' on the pool; unhandled, it would end the process.
  pool.on('error', (error) => {
    o.logger?.warn(
      { reason: unavailableReason(error) ?? error.name },
      'postgres store: an idle connection failed; the pool will open another',
    );
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
