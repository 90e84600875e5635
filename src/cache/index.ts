import type { CacheConfig, Config } from '../config';
import type { Logger } from '../logger';
import {
  RequestCache,
  generationKey,
  newGeneration,
  type CacheCore,
  type CacheCounters,
  type CacheKind,
  type CacheScope,
  type LoadOptions,
} from './request-cache';
import { KeyvAdapter } from './keyv-adapter';

export { CacheUnavailableError } from '../errors';

/**
 * The cache of upstream answers (ARCHITECTURE.md "Caches never leak across identities or
 * tenants").
 *
 * - Every key holds the tenant and the caller's username, unless the loader says `shared: true`
 *   for data that is the same for everyone (see LoadOptions.shared). Keys are sha256 hashes, so
 *   no token or secret is ever a key.
 * - Values are JSON; `Date`s come back as `Date`s (src/cache/codec.ts). Cache plain data only.
 * - Only successes are cached: a loader that throws caches nothing, and the next call loads again.
 * - Concurrent loads of one key in one process share one promise.
 * - Invalidation never scans keys: each kind and each (kind, business) has a generation (across
 *   tenants, see generationKey) stored next to the entries (so replicas sharing Redis share it) and folded into
 *   every key. `invalidate` replaces the generation; older entries are never read again and
 *   expire by TTL. With Redis, use a `noeviction` or `volatile-*` maxmemory policy: generations
 *   have no TTL and must not be evicted.
 * - When the store fails (Redis down or slower than its op timeout), requests load from upstream
 *   as if nothing were cached; the failure is logged at most once a minute.
 */

export type { CacheKind, CacheScope, LoadOptions, CacheCounters };
export { RequestCache };

export interface RequestCacheOptions {
  /** The request had `Cache-Control: no-cache`: read nothing from the cache, still write fresh values. */
  bypass?: boolean;
}

/** A small key-value view of the cache's store, for state that must outlive a process (watch cursors). */
export interface KeyValueStore {
  /** Throws when the store is unavailable. */
  get<T>(key: string): Promise<T | undefined>;
  /** No TTL = kept until overwritten. Throws when the store is unavailable. */
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface Cache {
  forRequest(scope: CacheScope, opts?: RequestCacheOptions): RequestCache;
  /**
   * Evicts every entry of `kind` (all identities and tenants), or only those loaded with `bizId`.
   * Throws CacheUnavailableError when the store cannot record it (the entries then live out their TTL).
   */
  invalidate(kind: CacheKind | readonly CacheKind[], bizId?: string): Promise<void>;
  /** The same store the cache lives in (memory or Redis), under its own key prefix. */
  readonly kv: KeyValueStore;
  readonly storeKind: 'memory' | 'redis';
  /** Counters for metrics: hits, misses, loads, joined (shared in-flight loads), invalidations, storeErrors. */
  stats(): CacheCounters & { storeErrors: number };
  /**
   * Resolves true once the store takes commands (at once in memory), false after `timeoutMs`.
   * Requests made before that simply run uncached; await it at start-up to begin warm.
   */
  ready(timeoutMs?: number): Promise<boolean>;
  /** Deletes every entry, generation and cursor of this cache's namespace (tests). */
  clear(): Promise<void>;
  close(): Promise<void>;
}

export interface CreateCacheOptions {
  logger?: Logger;
  /** Overrides `config.cache.namespace` (tests use one per run). */
  namespace?: string;
  /** Longest one store operation may take before the cache is skipped for it. @default 250 */
  opTimeoutMs?: number;
}

function ttlSecondsOf(ttl: CacheConfig['ttlSeconds'], kind: CacheKind): number {
  switch (kind) {
    case 'business':
      return ttl.business;
    case 'topology':
    case 'sets':
    case 'modules':
    case 'relations':
      return ttl.topology;
    case 'hosts':
      return ttl.hosts;
    case 'agent':
      return ttl.agent;
    case 'app':
      return ttl.app;
    case 'user':
      return ttl.user;
    case 'jobs':
      return ttl.job;
  }
}

export function createCache(
  config: Pick<Config, 'redisUrl' | 'cache'>,
  opts: CreateCacheOptions = {},
): Cache {
  const store = new KeyvAdapter({
    redisUrl: config.redisUrl,
    namespace: opts.namespace ?? config.cache.namespace,
    memoryMaxBytes: config.cache.memoryMaxMb * 1024 * 1024,
    opTimeoutMs: opts.opTimeoutMs,
    logger: opts.logger,
  });
  const core: CacheCore = {
    store,
    ttlMs: (kind) => ttlSecondsOf(config.cache.ttlSeconds, kind) * 1000,
    inflight: new Map(),
    counters: { hits: 0, misses: 0, loads: 0, joined: 0, invalidations: 0 },
  };
  const kvKey = (key: string) => `kv:${key}`;

  return {
    forRequest: (scope, reqOpts = {}) => new RequestCache(core, scope, reqOpts.bypass ?? false),
    async invalidate(kind, bizId) {
      const kinds: readonly CacheKind[] = typeof kind === 'string' ? [kind] : kind;
      await store.setMany(kinds.map((k) => ({ key: generationKey(k, bizId), value: newGeneration() })));
      core.counters.invalidations += kinds.length;
    },
    kv: {
      get: (key) => store.get(kvKey(key)),
      set: (key, value, ttlMs) => store.set(kvKey(key), value, ttlMs),
      delete: (key) => store.delete(kvKey(key)),
    },
    storeKind: store.kind,
    stats: () => ({ ...core.counters, storeErrors: store.errors }),
    ready: (timeoutMs) => store.ready(timeoutMs),
    clear: () => store.clear(),
    close: () => store.close(),
  };
}
