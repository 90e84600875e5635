import type { Cache, KeyValueStore } from '../cache';
import type { Config } from '../config';
import { isUpstreamError } from '../errors';
import type { Logger } from '../logger';
import type { WatchArgs } from '../upstream/cmdb/client';
import type { WatchResult } from '../upstream/domain';
import type { CallContext } from '../upstream/types';
import {
  KINDS_BY_RESOURCE,
  WATCHED_RESOURCES,
  WATCH_FIELDS,
  invalidationsFor,
  type WatchedResource,
} from './invalidation';

/** CMDB: the cursor's event is gone (1103007) or its detail is (1103008); only "from now" recovers. */
const CURSOR_LOST_CODES = new Set([1103007, 1103008]);
const MIN_IDLE_POLL_MS = 250;

/** Where a resource's watch continues, as kept in the store. */
export interface WatchPosition {
  /** A real event cursor. */
  cursor?: string;
  /**
   * Epoch ms to watch from while no event has been seen. CMDB answers an idle "from now" watch
   * with a placeholder cursor that means "from now" again, which would drop events arriving
   * between two polls; watching from the last poll's start time does not (a repeated event only
   * repeats an invalidation).
   */
  startFrom?: number;
}

export interface WatcherStats {
  polls: number;
  eventsSeen: number;
  /** Generation bumps (one per kind, or per kind and business). */
  invalidations: number;
  /** Expired cursors recovered by a wholesale invalidation and a restart from now. */
  restarts: number;
  errors: number;
}

export interface CmdbWatcherOptions {
  cmdb: { resourceWatch(args: WatchArgs, ctx: CallContext): Promise<WatchResult> };
  cache: Pick<Cache, 'invalidate'>;
  /** Where positions are kept (the cache's store, so replicas and restarts share them). */
  store: KeyValueStore;
  config: Pick<Config, 'upstream' | 'watch'>;
  logger?: Logger;
  /**
   * The service identity the watch runs as. Default: the unverified `bk_username` WATCH_USERNAME
   * (CMDB accepts it, CONTRACTS.md §1.2) in the configured tenant, with no deadline (long polls).
   */
  callContext?: (resource: WatchedResource, signal: AbortSignal) => CallContext;
  resources?: readonly WatchedResource[];
  /** Backoff after a failed poll: doubles from `initialMs` up to `maxMs`, with jitter. */
  backoff?: { initialMs?: number; maxMs?: number };
}

export interface CmdbWatcher {
  /** Aborts the long polls and resolves once every loop has ended. */
  stop(): Promise<void>;
  stats(): WatcherStats;
}

function positionKey(tenantId: string | null, resource: WatchedResource): string {
  return `watch:${encodeURIComponent(tenantId ?? '')}:${resource}`;
}

function isCursorLost(error: unknown): boolean {
  return (
    isUpstreamError(error) && error.kind === 'business' && CURSOR_LOST_CODES.has(Number(error.upstream.code))
  );
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** The position after an answer (the CMDB client rule: watched → last event's cursor). */
function nextPosition(from: WatchPosition, result: WatchResult, pollStartedAt: number): WatchPosition {
  if (result.watched && result.nextCursor) return { cursor: result.nextCursor };
  if (from.cursor) return { cursor: result.nextCursor || from.cursor };
  return { startFrom: Math.floor(pollStartedAt / 1000) * 1000 };
}

/**
 * Long-polls CMDB `resource_watch` for hosts, host relations, sets, modules and businesses and
 * turns each change into cache invalidations, so cached reads never outlive a change by more than
 * one watch cycle. Positions live in the cache's store: a restarted process (or another replica)
 * continues where the last one stopped.
 */
export function startCmdbWatcher(options: CmdbWatcherOptions): CmdbWatcher {
  const { cmdb, cache, store, config, logger } = options;
  const tenantId = config.upstream.tenantId;
  const initialBackoff = options.backoff?.initialMs ?? 500;
  const maxBackoff = options.backoff?.maxMs ?? 30_000;
  const controller = new AbortController();
  const stats: WatcherStats = { polls: 0, eventsSeen: 0, invalidations: 0, restarts: 0, errors: 0 };
  const callContext =
    options.callContext ??
    ((resource: WatchedResource, signal: AbortSignal): CallContext => ({
      credentials: { kind: 'bk_username', bkUsername: config.watch.username },
      tenantId,
      requestId: `watch-${resource}-${Date.now().toString(36)}`,
      signal,
    }));

  async function loadPosition(resource: WatchedResource): Promise<WatchPosition> {
    try {
      return (await store.get<WatchPosition>(positionKey(tenantId, resource))) ?? {};
    } catch {
      return {};
    }
  }

  async function savePosition(resource: WatchedResource, position: WatchPosition): Promise<void> {
    // A position that cannot be saved is still kept in memory; the next save may succeed.
    await store.set(positionKey(tenantId, resource), position).catch(() => undefined);
  }

  async function invalidateAll(resource: WatchedResource): Promise<void> {
    const kinds = KINDS_BY_RESOURCE[resource];
    await cache.invalidate(kinds);
    stats.invalidations += kinds.length;
  }

  async function loop(resource: WatchedResource): Promise<void> {
    let position = await loadPosition(resource);
    let failures = 0;
    while (!controller.signal.aborted) {
      const pollStartedAt = Date.now();
      try {
        const args: WatchArgs = { resource, fields: WATCH_FIELDS[resource] };
        if (position.cursor) args.cursor = position.cursor;
        else if (position.startFrom !== undefined) args.startFrom = new Date(position.startFrom);
        const result = await cmdb.resourceWatch(args, callContext(resource, controller.signal));
        stats.polls += 1;
        if (result.watched) {
          stats.eventsSeen += result.events.length;
          // Invalidate before moving the position: if the store refuses, the same events come again.
          for (const { kinds, bizId } of invalidationsFor(resource, result.events)) {
            await cache.invalidate(kinds, bizId);
            stats.invalidations += kinds.length;
          }
        }
        position = nextPosition(position, result, pollStartedAt);
        await savePosition(resource, position);
        failures = 0;
        // A long poll that comes back idle at once (a proxy cutting it short) must not spin.
        const idleFor = Date.now() - pollStartedAt;
        if (!result.watched && idleFor < MIN_IDLE_POLL_MS) {
          await abortableDelay(MIN_IDLE_POLL_MS - idleFor, controller.signal);
        }
      } catch (error) {
        if (controller.signal.aborted) break;
        if (isCursorLost(error)) {
          stats.restarts += 1;
          logger?.warn({ resource }, 'CMDB watch cursor expired; invalidating and watching from now');
          try {
            await invalidateAll(resource);
            position = {};
            await savePosition(resource, position);
            continue;
          } catch {
            // The store is down: keep the lost position, back off and try the whole recovery again.
          }
        }
        stats.errors += 1;
        failures += 1;
        const delay = Math.min(maxBackoff, initialBackoff * 2 ** (failures - 1));
        logger?.warn(
          {
            resource,
            failures,
            retryInMs: delay,
            ...(isUpstreamError(error) ? { kind: error.kind, upstreamCode: error.upstream.code } : {}),
          },
          'CMDB watch failed',
        );
        await abortableDelay(delay / 2 + Math.random() * (delay / 2), controller.signal);
      }
    }
  }

  const resources = options.resources ?? WATCHED_RESOURCES;
  const loops = resources.map((resource) => loop(resource));

  return {
    async stop() {
      controller.abort();
      await Promise.allSettled(loops);
    },
    stats: () => ({ ...stats }),
  };
}
