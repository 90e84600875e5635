import { BkGraphError } from './bk-graph-error';
import { ErrorCode } from './codes';

/**
 * Errors that never reach a GraphQL caller as they are: each is handled where it is caught (the
 * process exits, the cache is skipped, a route answers 503) or, if one escapes, masked as
 * INTERNAL_SERVER_ERROR and logged. They carry a stable `code` to match on (not `instanceof`).
 */

/** The environment does not describe a working configuration; every problem is listed at once. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';

  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The cache's key-value store (memory or Redis) failed or was too slow: callers load from upstream. */
export class CacheUnavailableError extends Error {
  readonly code = 'CACHE_UNAVAILABLE';

  constructor(reason: string) {
    super(`cache unavailable: ${reason}`);
    this.name = 'CacheUnavailableError';
  }
}

/**
 * bk-graph's own store (PostgreSQL or the embedded PGlite) could not be reached or used
 * (connection refused or lost, timeout, shut down, closed). Callers answer 503, `/readyz` says not
 * ready, and mutations fail without calling BlueKing. The message names the store and a short
 * reason (an errno or SQLSTATE code), never the connection URL or a password; for that reason the
 * driver's error is not kept as `cause` (a URL parse error, for one, carries its input).
 */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';

  constructor(
    readonly store: 'postgres' | 'pglite',
    readonly reason: string,
  ) {
    super(`the ${store} store is unavailable (${reason})`);
    this.name = 'StoreUnavailableError';
  }
}

/** A migration failed at start-up; the store is not usable until it is fixed. */
export class StoreMigrationError extends Error {
  readonly code = 'STORE_MIGRATION_FAILED';

  constructor(
    readonly store: 'postgres' | 'pglite',
    readonly migration: string | null,
    detail: string,
  ) {
    super(`the ${store} store could not migrate${migration ? ` (${migration})` : ''}: ${detail}`);
    this.name = 'StoreMigrationError';
  }
}

/**
 * A broken invariant inside bk-graph (a loader batch that did not answer a key, a value of an
 * impossible type). Its message is for the log: the caller sees INTERNAL_SERVER_ERROR.
 */
export class InvariantError extends BkGraphError {
  constructor(message: string) {
    super(ErrorCode.INTERNAL_SERVER_ERROR, message);
    this.name = 'InvariantError';
  }
}
