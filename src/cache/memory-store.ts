/**
 * The in-memory keyv store. keyv's default `Map` never forgets an entry nobody reads again, and
 * generation bumps (see cache.ts) orphan entries by design, so this store expires entries on a
 * timer and evicts the least recently used ones beyond a size bound. Entries without a TTL
 * (generation counters, watch cursors) are small, bounded in number, and never evicted: losing a
 * generation would resurrect entries it had invalidated.
 */

interface Entry {
  value: unknown;
  expires: number;
  size: number;
}

/**
 * Rough size of a stored value (keyv hands the memory store its values unserialized): strings by
 * length, everything else by a small fixed cost per slot. Good enough for a memory bound, and far
 * cheaper than serializing to measure.
 */
function sizeOf(value: unknown, depth = 0): number {
  if (typeof value === 'string') return 16 + value.length * 2;
  if (value === null || typeof value !== 'object' || depth > 12) return 16;
  if (value instanceof Date) return 32;
  let size = 32;
  if (Array.isArray(value)) for (const v of value) size += sizeOf(v, depth + 1);
  else for (const k in value) size += k.length * 2 + sizeOf((value as Record<string, unknown>)[k], depth + 1);
  return size;
}

export class BoundedMemoryStore {
  private readonly volatile = new Map<string, Entry>();
  private readonly persistent = new Map<string, unknown>();
  private bytes = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly maxBytes: number,
    sweepEveryMs = 30_000,
  ) {
    this.sweeper = setInterval(() => this.sweep(), sweepEveryMs);
    this.sweeper.unref();
  }

  get(key: string): unknown {
    const entry = this.volatile.get(key);
    if (entry === undefined) return this.persistent.get(key);
    if (entry.expires <= Date.now()) {
      this.remove(key, entry);
      return undefined;
    }
    // Re-insert so Map order is least recently used first.
    this.volatile.delete(key);
    this.volatile.set(key, entry);
    return entry.value;
  }

  set(key: string, value: unknown, ttl?: number): boolean {
    this.delete(key);
    if (ttl === undefined || ttl <= 0) {
      this.persistent.set(key, value);
      return true;
    }
    const entry = { value, expires: Date.now() + ttl, size: sizeOf(value) };
    this.volatile.set(key, entry);
    this.bytes += entry.size;
    // Iterate only when over the bound: a Map keeps deleted slots until it is rehashed, and every
    // LRU re-insert leaves one at the front, so an iterator made on each write walked past them all
    // (writing 1000 agent entries took 2.6 ms, most of it there).
    if (this.bytes > this.maxBytes) this.evict();
    return true;
  }

  /** Drops least recently used entries until the store is within its bound. */
  private evict(): void {
    for (const [key, entry] of this.volatile) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(key, entry);
    }
  }

  /**
   * Batch forms keyv delegates to when a store has them: one call for a whole batch (a 1000-host
   * answer reads and writes 1000 agent entries) instead of keyv's per-entry pipeline.
   */
  getMany(keys: string[]): unknown[] {
    return keys.map((k) => this.get(k));
  }

  setMany(entries: { key: string; value: unknown; ttl?: number }[]): boolean[] {
    return entries.map((e) => this.set(e.key, e.value, e.ttl));
  }

  delete(key: string): boolean {
    const entry = this.volatile.get(key);
    if (entry) {
      this.remove(key, entry);
      return true;
    }
    return this.persistent.delete(key);
  }

  clear(): void {
    this.volatile.clear();
    this.persistent.clear();
    this.bytes = 0;
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.volatile) if (entry.expires <= now) this.remove(key, entry);
  }

  private remove(key: string, entry: Entry): void {
    this.volatile.delete(key);
    this.bytes -= entry.size;
  }
}
