import KeyvRedis, { createClient } from '@keyv/redis';
import { Keyv } from 'keyv';
import { CacheUnavailableError } from '../errors';
import type { Logger } from '../logger';
import { decodeValue, encodeValue } from './codec';
import { BoundedMemoryStore } from './memory-store';

export interface KeyvAdapterOptions {
  /** Redis URL; null = in memory. */
  redisUrl: string | null;
  /** Key prefix, so deployments (and test runs) can share one Redis. */
  namespace: string;
  memoryMaxBytes: number;
  /** Longest a single store operation may take before it counts as a failure. @default 250 */
  opTimeoutMs?: number;
  logger?: Logger;
}

const LOG_EVERY_MS = 60_000;

/** What node-redis errors say about themselves, never the URL (it may hold a password). */
function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.name} ${code}` : error.name;
  }
  return typeof error;
}

/**
 * keyv (memory or Redis) behind calls that either succeed within a deadline or throw
 * CacheUnavailableError. Failures are logged at most once a minute: a Redis outage must degrade
 * bk-graph to "no cache", never fail requests or flood the log.
 */
export class KeyvAdapter {
  readonly keyv: Keyv;
  private readonly memory: BoundedMemoryStore | null = null;
  private readonly redis: ReturnType<typeof createClient> | null = null;
  private readonly opTimeoutMs: number;
  private lastLoggedAt = 0;
  private suppressed = 0;
  /** Failed or timed-out operations since start, for metrics. */
  errors = 0;

  constructor(private readonly options: KeyvAdapterOptions) {
    this.opTimeoutMs = options.opTimeoutMs ?? 250;
    const codec = {
      serialize: encodeValue,
      deserialize: <T>(text: string) => decodeValue<{ value?: T; expires?: number }>(text),
    };
    if (options.redisUrl) {
      // No offline queue: while Redis is away every command fails at once instead of waiting
      // (keyv's own client would queue forever, and `connect()` never settles while it retries).
      this.redis = createClient({
        url: options.redisUrl,
        disableOfflineQueue: true,
        socket: { connectTimeout: 1000, reconnectStrategy: (n: number) => Math.min(2 ** n * 100, 5000) },
      });
      this.redis.on('error', (e: unknown) => this.report(e));
      this.redis.connect().catch((e: unknown) => this.report(e));
      const adapter = new KeyvRedis(this.redis, {
        namespace: options.namespace,
        throwOnConnectError: false,
        throwOnErrors: true,
      });
      this.keyv = new Keyv(adapter, { namespace: options.namespace, useKeyPrefix: false, ...codec });
    } else {
      this.memory = new BoundedMemoryStore(options.memoryMaxBytes);
      // In memory, values are kept as they are: no JSON round trip on every write and read (on a
      // 1000-host answer that was most of a request's CPU). Cached values are shared between
      // requests from here on, so nothing may mutate a value it got from, or gave to, the cache.
      this.keyv = new Keyv({
        store: this.memory,
        namespace: options.namespace,
        serialize: undefined,
        deserialize: undefined,
      });
    }
    this.keyv.throwOnErrors = true;
    this.keyv.on('error', () => {
      // Reported where the failing call is awaited; the listener only keeps the emitter quiet.
    });
  }

  get kind(): 'memory' | 'redis' {
    return this.redis ? 'redis' : 'memory';
  }

  /** Resolves true once the store takes commands, false if it does not within `timeoutMs`. */
  async ready(timeoutMs = 2000): Promise<boolean> {
    const redis = this.redis;
    if (!redis || redis.isReady) return true;
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        redis.off('ready', onReady);
        resolve(ok);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      redis.on('ready', onReady);
    });
  }

  get<T>(key: string): Promise<T | undefined> {
    return this.guard(() => this.keyv.get<T>(key));
  }

  getMany<T>(keys: string[]): Promise<(T | undefined)[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return this.guard(() => this.keyv.getMany<T>(keys));
  }

  async set(key: string, value: unknown, ttlMs?: number): Promise<void> {
    await this.guard(() => this.keyv.set(key, value, ttlMs));
  }

  async setMany(entries: { key: string; value: unknown; ttl?: number }[]): Promise<void> {
    if (entries.length === 0) return;
    await this.guard(() => this.keyv.setMany(entries));
  }

  async delete(key: string): Promise<void> {
    await this.guard(() => this.keyv.delete(key));
  }

  /** Deletes every key of this namespace (tests). */
  async clear(): Promise<void> {
    await this.guard(() => this.keyv.clear(), 5000);
  }

  async close(): Promise<void> {
    this.memory?.close();
    if (this.redis) {
      // destroy() drops the socket at once; quit() would wait for a Redis that may be gone.
      this.redis.destroy();
    }
  }

  private async guard<T>(op: () => Promise<T>, timeoutMs = this.opTimeoutMs): Promise<T> {
    // The memory store cannot hang or go away: no timer and race per operation for it.
    if (!this.redis) return op();
    if (this.redis && !this.redis.isReady) {
      this.report(new CacheUnavailableError('not connected'));
      throw new CacheUnavailableError('not connected');
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new CacheUnavailableError('timeout')), timeoutMs);
    });
    try {
      return await Promise.race([op(), timeout]);
    } catch (error) {
      this.report(error);
      throw error instanceof CacheUnavailableError ? error : new CacheUnavailableError(describe(error));
    } finally {
      clearTimeout(timer);
    }
  }

  private report(error: unknown): void {
    this.errors += 1;
    const now = Date.now();
    if (now - this.lastLoggedAt < LOG_EVERY_MS) {
      this.suppressed += 1;
      return;
    }
    this.options.logger?.warn(
      { store: this.kind, reason: describe(error), suppressed: this.suppressed },
      'cache store unavailable; serving without cache',
    );
    this.lastLoggedAt = now;
    this.suppressed = 0;
  }
}
