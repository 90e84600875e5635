import type { CacheKind } from '../cache';
import type { WatchEvent } from '../upstream/domain';

export type WatchedResource = 'host' | 'host_relation' | 'set' | 'module' | 'biz';

export const WATCHED_RESOURCES: readonly WatchedResource[] = [
  'host',
  'host_relation',
  'set',
  'module',
  'biz',
];

/** `bk_fields` per resource: CMDB requires a non-empty list for host, biz, set and module. */
export const WATCH_FIELDS: Readonly<Record<WatchedResource, string[]>> = {
  host: ['bk_host_id', 'bk_host_innerip', 'bk_host_name'],
  host_relation: ['bk_biz_id', 'bk_host_id', 'bk_set_id', 'bk_module_id'],
  set: ['bk_set_id', 'bk_set_name', 'bk_biz_id'],
  module: ['bk_module_id', 'bk_module_name', 'bk_set_id', 'bk_biz_id'],
  biz: ['bk_biz_id', 'bk_biz_name'],
};

/**
 * Every cached kind a change of `resource` can make stale. Sets and modules also reach `hosts`:
 * host pages carry their set and module names, so a rename must evict them too.
 */
export const KINDS_BY_RESOURCE: Readonly<Record<WatchedResource, readonly CacheKind[]>> = {
  biz: ['business'],
  set: ['topology', 'sets', 'modules', 'hosts'],
  module: ['topology', 'sets', 'modules', 'hosts'],
  host_relation: ['hosts', 'relations', 'topology'],
  // A host event names no business: its host may sit in any of them.
  host: ['hosts'],
};

/** One generation bump: every entry of `kinds`, or only those of business `bizId`. */
export interface Invalidation {
  kinds: readonly CacheKind[];
  bizId?: string;
}

function bizIdOf(detail: Record<string, unknown> | null): string | undefined {
  const v = detail?.bk_biz_id;
  return typeof v === 'number' || (typeof v === 'string' && v !== '') ? String(v) : undefined;
}

/**
 * The invalidations one batch of events calls for, deduplicated: a watch answer carries up to
 * 200 events, often many for one business. Events of set/module/host_relation without a business
 * fall back to the whole kind.
 */
export function invalidationsFor(resource: WatchedResource, events: readonly WatchEvent[]): Invalidation[] {
  if (events.length === 0) return [];
  const kinds = KINDS_BY_RESOURCE[resource];
  if (resource === 'biz' || resource === 'host') return [{ kinds }];
  const bizIds = new Set<string>();
  for (const event of events) {
    const bizId = bizIdOf(event.detail);
    if (bizId === undefined) return [{ kinds }];
    bizIds.add(bizId);
  }
  return [...bizIds].map((bizId) => ({ kinds, bizId }));
}
