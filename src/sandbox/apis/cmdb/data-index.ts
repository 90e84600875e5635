import type { SandboxData, SbHost, SbHostRelation } from '../../types';

/**
 * Lookups by id over the seeded world, so one CMDB call costs work in proportion to its answer and
 * not to the whole world (20 000 hosts): the sandbox stands in for a fast CMDB in benchmarks, and a
 * slow one would be measured as bk-graph's latency. Built lazily per data object; anything that
 * rewrites relations calls `invalidateCmdbIndex`.
 */
export interface CmdbIndex {
  hostById: Map<number, SbHost>;
  /** Relations of a business, ordered by host id then module id. */
  relationsByBiz: Map<number, SbHostRelation[]>;
  relationsByHost: Map<number, SbHostRelation[]>;
}

const indexes = new WeakMap<SandboxData, CmdbIndex>();

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function cmdbIndex(data: SandboxData): CmdbIndex {
  let index = indexes.get(data);
  if (!index) {
    const relationsByBiz = new Map<number, SbHostRelation[]>();
    const relationsByHost = new Map<number, SbHostRelation[]>();
    const ordered = [...data.relations].sort(
      (a, b) => a.bk_host_id - b.bk_host_id || a.bk_module_id - b.bk_module_id,
    );
    for (const r of ordered) {
      push(relationsByBiz, r.bk_biz_id, r);
      push(relationsByHost, r.bk_host_id, r);
    }
    index = { hostById: new Map(data.hosts.map((h) => [h.bk_host_id, h])), relationsByBiz, relationsByHost };
    indexes.set(data, index);
  }
  return index;
}

export function invalidateCmdbIndex(data: SandboxData): void {
  indexes.delete(data);
}
