import { InvariantError } from '../errors';
import type { RequestCache } from '../cache';
import type { CacheKind, LoadOptions } from '../cache';
import type { Clients } from '../upstream/clients';
import type { CallContext } from '../upstream/types';
import type { BatchLimits } from '../upstream/limits';

/** What the loader factory needs from the request: nothing else reaches the loaders. */
export interface LoaderDeps {
  readonly clients: Clients;
  /** Credentials, tenant, request id and deadline of this request. */
  readonly callContext: () => CallContext;
  /** This request's view of the cache (identity-scoped); null = no caching. */
  readonly cache: RequestCache | null;
  readonly limits: BatchLimits;
  /**
   * When a batch is dispatched: after the current wave of resolvers (`afterCurrentWave`), and,
   * when the request's execution guard moved some resolvers to later turns, after those ran too
   * (src/graphql/execution-guard.ts), so that yielding never splits a batch into more calls.
   */
  readonly schedule: (dispatch: () => void) => void;
}

/** Runs `load` through the request's cache when there is one. */
export function cached<T>(
  deps: LoaderDeps,
  kind: CacheKind,
  key: string,
  load: () => Promise<T>,
  opts?: LoadOptions,
): Promise<T> {
  return deps.cache ? deps.cache.getOrLoad(kind, key, load, opts) : load();
}

/**
 * Dispatch a batch only once the whole current wave of resolvers has run. DataLoader's default
 * (a tick after the current promise jobs) can split one GraphQL level into several batches when
 * resolvers await a few promise hops; `setImmediate` waits for every pending microtask and tick,
 * so all hosts of one response land in one GSE call per limit-sized chunk.
 */
export const afterCurrentWave = (dispatch: () => void): void => {
  setImmediate(dispatch);
};

/**
 * Resolves once the upstream requests that a loader batch scheduled *before* this call will issue
 * have been written to their sockets, so CPU-heavy work started afterwards cannot delay them.
 *
 * Why this is needed: undici 7 (since GHSA-35p6-xmwp-9g52) writes a request on a reused
 * keep-alive socket only in the next check phase (a `setImmediate` queued when the request is
 * issued), after it has looked for a pending FIN/RST. Everything that runs in between — timers,
 * other sockets' responses and the microtasks they start — pushes the write back. Resolving
 * 500 hosts there delayed the next round trip by 3.9–5.6 ms in traces.
 *
 * How: loader batches are dispatched from a `setImmediate` (`afterCurrentWave`) and issue their
 * requests within it; undici queues its write as another immediate, which runs in the following
 * check phase (immediates queued while a check phase runs wait for the next one). Called after the
 * loads that start a batch, this first immediate is queued after the batch's and runs right after
 * it; the second, queued then, runs after undici's write. When a request is not issued at once (a
 * cache read first, a new connection), this is only a short yield: nothing waits on it, nothing
 * fails.
 */
export function afterIssuedWrites(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}

const stableKeys = new WeakMap<object, string>();

/**
 * JSON with sorted object keys: equal queries give equal loader and cache keys. Memoised per
 * object, since one loader key is keyed, grouped and matched several times per batch; loader keys
 * and their parts are never changed once built.
 */
export function stableKey(value: unknown): string {
  if (typeof value !== 'object' || value === null) return sortedJson(value);
  let key = stableKeys.get(value);
  if (key === undefined) stableKeys.set(value, (key = sortedJson(value)));
  return key;
}

/**
 * `JSON.stringify` with object keys in code-unit order. Written out rather than a replacer: a
 * replacer rebuilding every object (and `localeCompare`, which goes through ICU) made keying a
 * fleet query's 40 host-page keys cost nearly as much as issuing its 20 upstream calls. Values keep
 * JSON's rules: `undefined` and functions drop out of objects and are `null` in arrays, `toJSON`
 * (Date) is honoured.
 */
function sortedJson(value: unknown): string {
  if (Array.isArray(value))
    return `[${value.map((v: unknown) => (v === undefined || typeof v === 'function' ? 'null' : sortedJson(v))).join(',')}]`;
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  )
    return JSON.stringify(value);
  const record = value as Record<string, unknown>;
  let out = '';
  for (const k of Object.keys(record).sort()) {
    const v = record[k];
    if (v === undefined || typeof v === 'function') continue;
    out += `${out ? ',' : ''}${JSON.stringify(k)}:${sortedJson(v)}`;
  }
  return `{${out}}`;
}

export function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = keyOf(item);
    const g = groups.get(k);
    if (g) g.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** DataLoader wants an Error value per failed key, never a throw for the whole batch. */
export function asError(e: unknown): Error {
  return e instanceof Error ? e : new InvariantError(`a loader failed with a non-Error value: ${String(e)}`);
}

/** Many keys through the request's cache (one store read, one load for the misses). */
export function cachedMany<T>(
  deps: LoaderDeps,
  kind: CacheKind,
  keys: readonly string[],
  loadMissing: (missing: string[]) => Promise<Map<string, T>>,
  opts?: LoadOptions,
): Promise<Map<string, T>> {
  return deps.cache
    ? deps.cache.getOrLoadMany(kind, keys, loadMissing, opts)
    : loadMissing([...new Set(keys)]);
}
