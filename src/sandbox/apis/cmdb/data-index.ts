import type { SandboxData, SbHost, SbHostRelation, SbModule, SbSet } from '../../types';

/**
 * Lookups by id over the seeded world, so one CMDB call costs work in proportion to its answer and
 * not to the whole world (20 000 hosts): the sandbox stands in for a fast CMDB in benchmarks, and a
 * slow one would be measured as bk-graph's latency (a single-threaded sandbox runs concurrent calls
 * one after another, so every microsecond of one call delays the next). Built lazily per data
 * object; anything that rewrites relations calls `invalidateCmdbIndex`. Hosts are only ever
 * updated in place (never added, removed or renumbered) and sets and modules never change after
 * seeding, so the lists below hold the live rows and see field updates without a rebuild.
 */
export interface CmdbIndex {
  hostById: Map<number, SbHost>;
  /** Relations of a business, ordered by host id then module id. */
  relationsByBiz: Map<number, SbHostRelation[]>;
  relationsByHost: Map<number, SbHostRelation[]>;
  /**
   * Hosts of a business in bk_host_id order, each once: those with a relation of the business
   * whose module lies in one of the business's sets. This is list_biz_hosts' answer before any
   * filter, kept ready because it is by far the most common call.
   */
  hostsByBiz: Map<number, SbHost[]>;
  /** Sets of a business, in seed order. */
  setsByBiz: Map<number, SbSet[]>;
  /** Modules of a set (by bk_set_id), in seed order. */
  modulesBySet: Map<number, SbModule[]>;
}

const indexes = new WeakMap<SandboxData, CmdbIndex>();

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function groupBy<K, V>(rows: readonly V[], key: (row: V) => K): Map<K, V[]> {
  const map = new Map<K, V[]>();
  for (const row of rows) push(map, key(row), row);
  return map;
}

/**
 * Distinct hosts of id-ordered relations that pass `keep`, in id order. Relations of one host are
 * adjacent, so comparing with the previous id is enough to list each host once.
 */
export function distinctHosts(
  relations: readonly SbHostRelation[],
  hostById: ReadonlyMap<number, SbHost>,
  keep: (r: SbHostRelation) => boolean,
): SbHost[] {
  const hosts: SbHost[] = [];
  let last = NaN;
  for (const r of relations) {
    if (r.bk_host_id === last || !keep(r)) continue;
    last = r.bk_host_id;
    const host = hostById.get(r.bk_host_id);
    if (host) hosts.push(host);
  }
  return hosts;
}

function hostsOfBusinesses(index: Omit<CmdbIndex, 'hostsByBiz'>): Map<number, SbHost[]> {
  const hostsByBiz = new Map<number, SbHost[]>();
  for (const [bizId, relations] of index.relationsByBiz) {
    const modules = new Set<number>();
    for (const set of index.setsByBiz.get(bizId) ?? [])
      for (const m of index.modulesBySet.get(set.bk_set_id) ?? []) modules.add(m.bk_module_id);
    hostsByBiz.set(
      bizId,
      distinctHosts(relations, index.hostById, (r) => modules.has(r.bk_module_id)),
    );
  }
  return hostsByBiz;
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
    const base = {
      hostById: new Map(data.hosts.map((h) => [h.bk_host_id, h])),
      relationsByBiz,
      relationsByHost,
      setsByBiz: groupBy(data.sets, (s) => s.bk_biz_id),
      modulesBySet: groupBy(data.modules, (m) => m.bk_set_id),
    };
    index = { ...base, hostsByBiz: hostsOfBusinesses(base) };
    indexes.set(data, index);
  }
  return index;
}

export function invalidateCmdbIndex(data: SandboxData): void {
  indexes.delete(data);
}
