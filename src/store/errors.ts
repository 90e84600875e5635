import { StoreMigrationError, StoreUnavailableError } from '../errors';
import type { StoreKind } from './database';

export { StoreMigrationError, StoreUnavailableError };

/*
 * SQLSTATE classes and codes that mean "the database cannot serve us now", as opposed to a bug
 * in a query: 08 connection exception, 53 insufficient resources (too many connections, disk
 * full), 57 operator intervention (statement timeout, admin shutdown, cannot connect now),
 * 28 bad credentials, 3D000 no such database, 25006 read-only (a standby after failover).
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57|28)...$|^3D000$|^25006$/;
const UNAVAILABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
// Errors pg, pg-pool, PGlite and Kysely raise without a code when the connection is gone.
const UNAVAILABLE_MESSAGES: [RegExp, string][] = [
  [/timeout exceeded when trying to connect|connection timeout/i, 'connection timeout'],
  [/connection terminated|not queryable|client was closed/i, 'connection lost'],
  [/pool after calling end|PGlite is closed|driver has already been destroyed/i, 'closed'],
  [/query read timeout/i, 'query timeout'],
];

/**
 * The short, safe reason an error makes the store unavailable, or null when it does not. Duck-typed,
 * not `instanceof Error`: socket errors come from Node's own realm, which is not the caller's
 * under a VM sandbox such as jest's.
 */
export function unavailableReason(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const { code, message, name, errors } = error as {
    code?: unknown;
    message?: unknown;
    name?: unknown;
    errors?: unknown;
  };
  const known = typeof code === 'string' && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code));
  if (known) return code;
  // Node reports a refused connection to a name with several addresses as an AggregateError.
  if (Array.isArray(errors) && errors.length > 0) {
    const inner = unavailableReason(errors[0]);
    if (inner !== null) return inner;
  }
  // PGlite is Postgres compiled to WebAssembly: a trap leaves the instance unusable.
  if (name === 'RuntimeError') return 'embedded database crashed';
  if (typeof message !== 'string') return null;
  for (const [pattern, reason] of UNAVAILABLE_MESSAGES) {
    if (pattern.test(message)) return reason;
  }
  return null;
}

/** Turns a driver error into StoreUnavailableError when it means the store is unusable; else returns it. */
export function toStoreError(error: unknown, store: StoreKind): unknown {
  if (error instanceof StoreUnavailableError) return error;
  const reason = unavailableReason(error);
  return reason === null ? error : new StoreUnavailableError(store, reason);
}
