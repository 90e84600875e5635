import { InvariantError } from '../errors';
import DataLoader from 'dataloader';
import {
  COUNT_ONLY_PROJECTION,
  FULL_HOST_PROJECTION,
  isFullProjection,
  type HostProjection,
} from './host-projection';
import { fetchWindow } from '../upstream/paging';
import type { Host, HostRelation, HostTopo, Page } from '../upstream/domain';
import { chunk, mapBounded } from '../upstream/mapping';
import { asError, cached, cachedMany, groupBy, stableKey, type LoaderDeps } from './deps';
import type { HostRef, HostTopoRef, ModuleRef, SetRef } from './refs';

/** What a host list can be narrowed by (GraphQL `HostFilter`, or a topology node). */
export interface HostQuery {
  setIds?: string[];
  moduleIds?: string[];
  innerIps?: string[];
  nameContains?: string;
  osType?: string;
  cloudId?: number;
}

/** A window of one business's hosts; `limit: 0` asks only for the total. */
export interface HostPageKey {
  bizId: string;
  query: HostQuery;
  offset: number;
  limit: number;
  /** The host fields to fetch; every field (and the topology) when absent. */
  projection?: HostProjection;
  /**
   * The items' agent states are read: the loader hands the hosts of its batch's pages to the
   * agent batch itself, the moment the pages are in (see `hostPagesLoader`).
   */
  agents?: boolean;
}

/**
 * The graph's view of a host from a page row. The row was just mapped from the wire and nothing
 * else holds it yet, so it is extended in place rather than copied (a 1000-host answer copied
 * every host once more).
 */
function hostRef(t: HostTopo, businessId: string, withTopo: boolean): HostRef {
  if (!withTopo) return asHostRef(t.host, businessId);
  const sets = t.sets as SetRef[];
  const modules = t.modules as ModuleRef[];
  for (const s of sets) s.businessId = businessId;
  for (const m of modules) m.businessId = businessId;
  return asHostRef(t.host, businessId, { sets, modules });
}

/** Extends a freshly mapped host in place (see hostRef). */
export function asHostRef(host: Host, businessId: string, topo?: HostTopoRef): HostRef {
  const ref = host as HostRef;
  ref.businessId = businessId;
  if (topo) ref.topo = topo;
  return ref;
}

const inBizKey = (bizId: string, hostId: string) => `${bizId}:${hostId}`;

/**
 * Windows of a business's hosts. Keys of one business and filter share their upstream calls: the
 * total of `hostCount` rides on the page `hosts(first: n)` fetches anyway, so a query asking for
 * both costs one call per business, not two.
 *
 * Each window asks CMDB only for the host fields the query reads (`projection`). When sets or
 * modules are read and the list is not filtered by set or module, the page comes from
 * list_biz_hosts_topo, whose rows carry each host's sets and modules; otherwise from
 * list_biz_hosts (filtered by set or module, CMDB may trim a row's topology to the filter, so the
 * topology is then left to `hostInBiz`).
 */
export function hostPagesLoader(
  deps: LoaderDeps,
  prime: (hosts: HostRef[]) => void,
  startAgents: (hosts: readonly HostRef[]) => Promise<void>,
): DataLoader<HostPageKey, Page<HostRef>, string> {
  const { cmdb } = deps.clients;

  async function fetchPage(
    bizId: string,
    query: HostQuery,
    offset: number,
    limit: number,
    projection: HostProjection,
  ): Promise<Page<HostRef>> {
    const { setIds, moduleIds, ...filter } = query;
    const byTopo = projection.topo && !setIds?.length && !moduleIds?.length;
    const fields = [...projection.fields];
    const key = `page:${stableKey(query)}:${offset}:${limit}:${byTopo ? 'topo' : 'plain'}:${fields.join(',')}`;
    const page = await cached(
      deps,
      'hosts',
      key,
      () =>
        byTopo
          ? fetchWindow({ offset, limit }, deps.limits.hostsPage, (start, n) =>
              cmdb.listBizHostsTopo({ bizId, filter, fields, start, limit: n }, deps.callContext()),
            ).then((p) => ({ count: p.count, items: p.items.map((t) => hostRef(t, bizId, true)) }))
          : fetchWindow({ offset, limit }, deps.limits.hostsPage, (start, n) =>
              cmdb.listBizHosts(
                {
                  bizId,
                  filter,
                  fields,
                  ...(setIds ? { setIds } : {}),
                  ...(moduleIds ? { moduleIds } : {}),
                  start,
                  limit: n,
                },
                deps.callContext(),
              ),
            ).then((p) => ({
              count: p.count,
              items: p.items.map((h) => asHostRef(h, bizId)),
            })),
      { bizId },
    );
    // Only complete hosts may answer later by-id lookups of this request.
    if (byTopo && isFullProjection(projection)) prime(page.items);
    return page;
  }

  return new DataLoader<HostPageKey, Page<HostRef>, string>(
    async (keys) => {
      const results = new Map<string, Page<HostRef> | Error>();
      const groups = groupBy(keys, (k) => `${k.bizId}|${stableKey(k.query)}`);
      type Task = { group: HostPageKey[]; window: HostPageKey };
      const tasks: Task[] = [];
      for (const group of groups.values()) {
        const windows = new Map(group.filter((k) => k.limit > 0).map((k) => [windowKey(k), k]));
        // Only totals asked: the smallest page CMDB allows carries the count.
        if (windows.size === 0)
          tasks.push({
            group,
            window: { ...group[0]!, offset: 0, limit: 1, projection: COUNT_ONLY_PROJECTION },
          });
        for (const w of windows.values()) tasks.push({ group, window: w });
      }
      const pages = await mapBounded(tasks, deps.limits.concurrency, ({ window: w }) =>
        fetchPage(w.bizId, w.query, w.offset, w.limit, w.projection ?? FULL_HOST_PROJECTION).catch(asError),
      );
      // The keys of its group a task's page answers: those asking for exactly its window.
      const answers = (t: Task, k: HostPageKey) => windowKey(k) === windowKey(t.window);
      // Every page of the batch is in: their hosts' agents go to GSE now, in one batch, before the
      // resolvers walk the hosts (1000 of them in `businesses { hosts { agent } }`) and load their
      // agents one by one. The keys resolve once that GSE request is on the wire.
      const agentHosts = tasks.flatMap((t, i) => {
        const page = pages[i]!;
        const wanted = t.group.some((k) => k.agents && answers(t, k));
        return wanted && !(page instanceof Error) ? page.items : [];
      });
      if (agentHosts.length > 0) await startAgents(agentHosts);
      tasks.forEach((t, i) => {
        const page = pages[i]!;
        for (const k of t.group) {
          const id = pageKeyOf(k);
          if (k.limit === 0) {
            if (!results.has(id) || results.get(id) instanceof Error)
              results.set(id, page instanceof Error ? page : { count: page.count, items: [] });
          } else if (answers(t, k)) {
            results.set(id, page);
          }
        }
      });
      return keys.map((k) => results.get(pageKeyOf(k)) ?? new InvariantError('host page was not fetched'));
    },
    { cacheKeyFn: pageKeyOf, batchScheduleFn: deps.schedule },
  );
}

const projectionKey = (p: HostProjection) => `${p.topo ? 'topo' : 'plain'}:${p.fields.join(',')}`;

const windowKey = (k: HostPageKey) =>
  `${k.offset}:${k.limit}:${projectionKey(k.projection ?? FULL_HOST_PROJECTION)}`;

const pageKeys = new WeakMap<HostPageKey, string>();

/**
 * A page key's identity, built once per key object. Only the filter is free-form (JSON, which
 * may hold '|'); every other part is '|'-free, so the joined form is unambiguous. Written out
 * rather than `stableKey` of the whole key: resolvers build a new key object per business, and
 * serializing each one generically was a visible part of issuing fleet's 20 page calls.
 */
function pageKeyOf(k: HostPageKey): string {
  let id = pageKeys.get(k);
  if (id === undefined) {
    const projection = k.projection ? projectionKey(k.projection) : '*';
    id = `${k.bizId}|${stableKey(k.query)}|${k.offset}|${k.limit}|${projection}|${k.agents ? 'agents' : ''}`;
    pageKeys.set(k, id);
  }
  return id;
}

/**
 * Hosts by id within a known business, with their sets and modules: one list_biz_hosts_topo per
 * `hostsPage` ids of a business (filtered by `bk_host_id in [...]`). Keys are `bizId:hostId`.
 */
export function hostInBizLoader(deps: LoaderDeps): DataLoader<string, HostRef | null> {
  const { cmdb } = deps.clients;
  return new DataLoader<string, HostRef | null>(
    async (keys) => {
      const found = new Map<string, HostRef | Error>();
      const byBiz = groupBy(
        keys.map((k) => ({ key: k, bizId: k.slice(0, k.indexOf(':')), hostId: k.slice(k.indexOf(':') + 1) })),
        (e) => e.bizId,
      );
      const tasks = [...byBiz.entries()].flatMap(([bizId, entries]) =>
        chunk(
          entries.map((e) => e.hostId),
          deps.limits.hostsPage,
        ).map((ids) => ({ bizId, ids })),
      );
      await mapBounded(tasks, deps.limits.concurrency, async ({ bizId, ids }) => {
        try {
          const hosts = await cachedMany(
            deps,
            'hosts',
            ids.map((id) => `host:${id}`),
            async (missing) => {
              const want = missing.map((m) => m.slice('host:'.length));
              const page = await cmdb.listBizHostsTopo(
                { bizId, filter: { ids: want }, start: 0, limit: want.length },
                deps.callContext(),
              );
              return new Map(page.items.map((t) => [`host:${t.host.id}`, hostRef(t, bizId, true)]));
            },
            { bizId },
          );
          for (const h of hosts.values()) found.set(inBizKey(bizId, h.id), h);
        } catch (e) {
          for (const id of ids) found.set(inBizKey(bizId, id), asError(e));
        }
      });
      return keys.map((k) => found.get(k) ?? null);
    },
    { batchScheduleFn: deps.schedule },
  );
}

/**
 * Which business, sets and modules a host belongs to, by host id alone (`Query.host`): one
 * find_host_biz_relations per `hostBizIds` hosts. An unknown host has no rows.
 */
export function hostBizLoader(deps: LoaderDeps): DataLoader<string, HostRelation[]> {
  const { cmdb } = deps.clients;
  return new DataLoader<string, HostRelation[]>(
    async (hostIds) => {
      const rows = new Map<string, HostRelation[]>();
      await mapBounded(chunk([...hostIds], deps.limits.hostBizIds), deps.limits.concurrency, async (ids) => {
        // Not cached: an entry keyed by host id belongs to no business, so a move between
        // businesses (a biz-scoped invalidation) could not evict it, and the call is cheap.
        const relations = await cmdb.findHostBizRelations(ids, deps.callContext());
        for (const r of relations) rows.set(r.hostId, [...(rows.get(r.hostId) ?? []), r]);
      });
      return hostIds.map((id) => rows.get(id) ?? []);
    },
    { batchScheduleFn: deps.schedule },
  );
}

export { inBizKey };
