import { createHash, randomBytes } from 'node:crypto';
import type { KeyvAdapter } from './keyv-adapter';

export type CacheKind =
  | 'business'
  | 'topology'
  | 'sets'
  | 'modules'
  | 'hosts'
  | 'relations'
  | 'agent'
  | 'app'
  | 'user'
  /** Finished JOB executions and their host logs: immutable once JOB says finished. */
  | 'jobs';

/** Whose view of BlueKing an entry is. */
export interface CacheScope {
  tenantId: string | null;
  /**
   * The caller's username. BlueKing answers per user (IAM), so it is part of every key, unless an
   * entry is loaded with `shared: true`.
   */
  username: string | null;
}

export interface LoadOptions {
  /**
   * The business the data belongs to, so `invalidate(kind, bizId)` reaches it. Data of one
   * business cached without it is only evicted by a whole-kind invalidation (or its TTL).
   */
  bizId?: string;
  /**
   * The data is the same for every caller of the tenant (GSE agent state by agent id, PaaS app
   * info): one entry serves everyone. Only pass it where the upstream answer provably does not
   * depend on who asks, and only after the caller's own access to the subject was checked.
   */
  shared?: boolean;
}

/** Process-wide state every RequestCache shares. */
export interface CacheCore {
  readonly store: KeyvAdapter;
  ttlMs(kind: CacheKind): number;
  /** In-flight loads by storage key; `startedAt` lets a no-cache request refuse older loads. */
  readonly inflight: Map<string, Inflight>;
  readonly counters: CacheCounters;
}

/** A load other requests may join: `join()` gives its value (made on demand). */
export interface Inflight {
  join: () => Promise<unknown>;
  /** performance.now() when the load began. */
  startedAt: number;
}

export interface CacheCounters {
  hits: number;
  misses: number;
  loads: number;
  joined: number;
  invalidations: number;
}

const NO_GENERATION = '0';

function part(v: string | null | undefined): string {
  return encodeURIComponent(v ?? '');
}

/**
 * Key of a generation counter: per kind and per (kind, business), across tenants. The watcher
 * knows only the configured tenant (often none) while a request's tenant comes from bk-login, so
 * tenant-scoped generations could miss; invalidating another tenant's equal business id as well
 * only costs a reload.
 */
export function generationKey(kind: CacheKind, bizId?: string): string {
  return bizId === undefined ? `g:${kind}` : `g:${kind}:${part(bizId)}`;
}

/** A new generation: random, so replicas bumping at once never need an atomic increment. */
export function newGeneration(): string {
  return randomBytes(9).toString('base64url');
}

/**
 * The cache as one GraphQL request sees it: its identity is folded into every key, and the
 * generation counters it needs are read once and memoised for the rest of the request.
 */
export class RequestCache {
  private readonly generations = new Map<string, Promise<string | null>>();
  private readonly startedAt = performance.now();

  constructor(
    private readonly core: CacheCore,
    readonly scope: CacheScope,
    readonly bypass: boolean,
  ) {}

  /** The cached value of `key`, or `load()`'s (cached only when it resolves to a value). */
  async getOrLoad<T>(
    kind: CacheKind,
    key: string,
    load: () => Promise<T>,
    opts: LoadOptions = {},
  ): Promise<T> {
    const ttl = this.core.ttlMs(kind);
    const gens = ttl > 0 ? await this.generationsFor(kind, opts.bizId) : null;
    const sKey = this.storageKeyFn(kind, gens ?? 'uncached', opts)(key);
    // A load in flight (or loaded and not yet stored) is at least as fresh as the store: join it
    // first, so a value written a moment ago never loses to the older one its write replaces.
    const joined = this.joinable(sKey);
    if (joined) return joined as Promise<T>;
    if (gens !== null && !this.bypass) {
      const hit = await this.core.store.get<T>(sKey).catch(() => undefined);
      if (hit !== undefined) {
        this.core.counters.hits += 1;
        return hit;
      }
      const late = this.joinable(sKey);
      if (late) return late as Promise<T>;
    }
    this.core.counters.misses += 1;
    this.core.counters.loads += 1;
    const value = (async () => load())();
    const stored: Promise<unknown> =
      gens === null
        ? value
        : value.then((v) =>
            v === undefined ? undefined : this.storeSoon(() => this.core.store.set(sKey, v, ttl)),
          );
    return this.register(sKey, value, stored);
  }

  /**
   * Many keys at once: one store read for all of them, one `loadMissing` call for the keys that
   * were neither cached nor already being loaded. Keys `loadMissing` leaves out are absent from
   * the result and not cached (return an explicit `null` to cache "none").
   */
  async getOrLoadMany<T>(
    kind: CacheKind,
    keys: readonly string[],
    loadMissing: (missing: string[]) => Promise<Map<string, T>>,
    opts: LoadOptions = {},
  ): Promise<Map<string, T>> {
    const unique = [...new Set(keys)];
    const ttl = this.core.ttlMs(kind);
    const gens = ttl > 0 ? await this.generationsFor(kind, opts.bizId) : null;
    const sKeys = unique.map(this.storageKeyFn(kind, gens ?? 'uncached', opts));
    const found = new Map<string, T>();
    const pending: Promise<void>[] = [];
    const join = (key: string, joined: Promise<unknown>) =>
      pending.push(
        joined.then((v) => {
          if (v !== undefined) found.set(key, v as T);
        }),
      );

    // Loads in flight first (see getOrLoad), then one store read for the rest.
    const rest: number[] = [];
    unique.forEach((key, i) => {
      const joined = this.joinable(sKeys[i] as string);
      if (joined) join(key, joined);
      else rest.push(i);
    });
    let cached: (T | undefined)[] = [];
    if (gens !== null && !this.bypass && rest.length > 0)
      cached = await this.core.store.getMany<T>(rest.map((i) => sKeys[i] as string)).catch(() => []);

    const toLoad: { key: string; sKey: string }[] = [];
    rest.forEach((i, j) => {
      const key = unique[i] as string;
      const sKey = sKeys[i] as string;
      const hit = cached[j];
      if (hit !== undefined) {
        this.core.counters.hits += 1;
        found.set(key, hit);
        return;
      }
      this.core.counters.misses += 1;
      // Another request may have started loading it while the store was read.
      const joined = this.joinable(sKey);
      if (joined) join(key, joined);
      else toLoad.push({ key, sKey });
    });

    if (toLoad.length > 0) {
      this.core.counters.loads += 1;
      const batch = loadMissing(toLoad.map((e) => e.key));
      const stored: Promise<unknown> =
        gens === null
          ? batch
          : batch.then(
              (loaded) => {
                const entries = toLoad
                  .filter((e) => loaded.get(e.key) !== undefined)
                  .map((e) => ({ key: e.sKey, value: loaded.get(e.key), ttl }));
                return this.storeSoon(() => this.core.store.setMany(entries));
              },
              () => undefined, // the failure reaches the callers through `batch`
            );
      this.registerBatch(toLoad, batch, stored);
      pending.push(
        batch.then((loaded) => {
          for (const { key } of toLoad) {
            const v = loaded.get(key);
            if (v !== undefined) found.set(key, v);
          }
        }),
      );
    }
    await Promise.all(pending);
    // Callers read the map in their own key order; rebuild it in that order for determinism.
    return new Map(unique.filter((k) => found.has(k)).map((k) => [k, found.get(k) as T]));
  }

  /**
   * The storage key of a caller's key: the kind stays readable, everything else (tenant, user,
   * generations, business, the caller's key, which may hold a token) goes through sha256 in Redis,
   * so keys there are short and secret-free. In process memory no one else ever sees a key:
   * hashing would only cost (a 1000-host answer stores 1000 agent entries), so memory keys are the
   * joined parts, their common prefix built once per batch.
   */
  private storageKeyFn(kind: CacheKind, gens: string, opts: LoadOptions): (key: string) => string {
    const parts = [
      this.scope.tenantId ?? '',
      opts.shared ? '\u0000shared' : (this.scope.username ?? '\u0000anonymous'),
      gens,
      opts.bizId ?? '',
    ];
    if (this.core.store.kind === 'redis')
      return (key) =>
        `c:${kind}:${createHash('sha256')
          .update(JSON.stringify([...parts, key]))
          .digest('base64url')}`;
    const prefix = `c:${kind}:${parts.join('\u0001')}\u0001`;
    return (key) => prefix + key;
  }

  /**
   * The generations an entry of `kind` (and business) is written under, or null when the store
   * cannot say: then nothing is read or written, since an entry under a guessed generation
   * could outlive an invalidation.
   */
  private async generationsFor(kind: CacheKind, bizId?: string): Promise<string | null> {
    const kindGen = this.generation(generationKey(kind));
    if (bizId === undefined) return kindGen;
    const [k, b] = await Promise.all([kindGen, this.generation(generationKey(kind, bizId))]);
    return k === null || b === null ? null : `${k}.${b}`;
  }

  private generation(gKey: string): Promise<string | null> {
    let memo = this.generations.get(gKey);
    if (!memo) {
      memo = this.core.store.get<string>(gKey).then(
        (v) => v ?? NO_GENERATION,
        () => null,
      );
      this.generations.set(gKey, memo);
    }
    return memo;
  }

  /** An in-flight load this request may share: any, or with no-cache only one that began after it. */
  private joinable(sKey: string): Promise<unknown> | undefined {
    const entry = this.core.inflight.get(sKey);
    if (!entry || (this.bypass && entry.startedAt < this.startedAt)) return undefined;
    this.core.counters.joined += 1;
    return entry.join();
  }

  /**
   * Writes a loaded value to the store on a timer, after this turn of the event loop and after the
   * loader batches it scheduled (setImmediate) went out: filling 1000 agent entries (or a Redis
   * round trip) is then off the request's critical path, done while it waits on its next
   * upstream call or after it answered. Store failures only cost a later reload.
   */
  private storeSoon(write: () => Promise<unknown>): Promise<void> {
    return new Promise<void>((resolve) => {
      setTimeout(() => {
        write().then(
          () => resolve(),
          () => resolve(),
        );
      });
    });
  }

  /**
   * Makes `promise` joinable under `sKey` until `settled` (the value's store write) settles: a
   * request that arrives after the value was loaded but before the store has it joins the
   * finished load instead of missing both and loading again.
   */
  private register<T>(sKey: string, promise: Promise<T>, settled: Promise<unknown> = promise): Promise<T> {
    const entry: Inflight = { join: () => promise, startedAt: performance.now() };
    this.core.inflight.set(sKey, entry);
    const forget = () => {
      if (this.core.inflight.get(sKey) === entry) this.core.inflight.delete(sKey);
    };
    settled.then(forget, forget);
    return promise;
  }

  /**
   * `register` for every key of one batch load: each key joinable until its value is stored.
   *
   * The plain form on purpose. A lazier join (a key's promise made only when someone joins it,
   * a per-kind "latest load" stamp letting no-cache requests skip the lookups, and handing back
   * the load's own map) measured no gain (bench A/B, issue 15, 2 rounds: own cost −1.1…+1.5 ms
   * and rps −12…+18% on hosts/fleet/topology at 2000 and 20000 hosts, all within the noise and
   * under the 2 ms / 20% bar), so it went.
   */
  private registerBatch<T>(
    keys: readonly { key: string; sKey: string }[],
    batch: Promise<Map<string, T>>,
    stored: Promise<unknown>,
  ): void {
    for (const { key, sKey } of keys) {
      const value = batch.then((m) => m.get(key));
      value.catch(() => undefined); // the failure reaches the callers through `batch`
      // Left out of the answer: forgotten at once (not stored); the rest once the store has them.
      this.register(
        sKey,
        value,
        value.then(
          (v) => (v === undefined ? undefined : stored),
          () => undefined,
        ),
      );
    }
  }
}
