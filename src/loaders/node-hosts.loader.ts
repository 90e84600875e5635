import { InvariantError } from '../errors';
import DataLoader from 'dataloader';
import type { Page } from '../upstream/domain';
import { fetchWindow } from '../upstream/paging';
import { asError, groupBy, stableKey, type LoaderDeps } from './deps';
import { asHostRef, inBizKey, type HostPageKey } from './host.loaders';
import type { HostRef } from './refs';

/** Hosts under one topology node (business, set, module or custom level); `limit: 0` = total only. */
export interface NodeHostsKey {
  bizId: string;
  objectId: string;
  instanceId: string;
  offset: number;
  limit: number;
}

interface Siblings {
  hostPages: DataLoader<HostPageKey, Page<HostRef>, string>;
  hostInBiz: DataLoader<string, HostRef | null>;
  relationsByBiz: DataLoader<string, { hostId: string; setId: string; moduleId: string }[]>;
  /** Businesses whose relation index is already on its way: every node is cut from it then. */
  prefetchedRelations: ReadonlySet<string>;
}

/**
 * Host lists of topology nodes. When a request asks for one node of a business, that node's page
 * comes straight from CMDB (one call). When it asks for many (every module of a tree, say), the
 * business's host-module relations are read once and every node's total and window are cut from
 * them; only hosts whose details are actually selected are then fetched, by id, in batches.
 * Either way the number of calls stays at the minimum for the shape of the query.
 */
export function nodeHostsLoader(
  deps: LoaderDeps,
  s: Siblings,
): DataLoader<NodeHostsKey, Page<HostRef>, string> {
  const { cmdb } = deps.clients;

  function direct(k: NodeHostsKey): Promise<Page<HostRef>> {
    if (k.objectId === 'biz')
      return s.hostPages.load({ bizId: k.bizId, query: {}, offset: k.offset, limit: k.limit });
    if (k.objectId === 'set')
      return s.hostPages.load({
        bizId: k.bizId,
        query: { setIds: [k.instanceId] },
        offset: k.offset,
        limit: k.limit,
      });
    if (k.objectId === 'module')
      return s.hostPages.load({
        bizId: k.bizId,
        query: { moduleIds: [k.instanceId] },
        offset: k.offset,
        limit: k.limit,
      });
    // A custom mainline level: CMDB resolves its subtree itself.
    return fetchWindow(
      { offset: k.offset, limit: Math.max(k.limit, 1) },
      deps.limits.hostsPage,
      (start, limit) =>
        cmdb.findHostByTopo(
          { bizId: k.bizId, objectId: k.objectId, instanceId: k.instanceId, start, limit },
          deps.callContext(),
        ),
    ).then((p) => ({
      count: p.count,
      items: k.limit === 0 ? [] : p.items.map((h) => asHostRef(h, k.bizId)),
    }));
  }

  async function fromRelations(bizId: string, keys: NodeHostsKey[]): Promise<Map<string, Page<HostRef>>> {
    const relations = await s.relationsByBiz.load(bizId);
    const members = new Map<string, Set<string>>();
    const add = (node: string, hostId: string) => {
      const set = members.get(node) ?? new Set<string>();
      set.add(hostId);
      members.set(node, set);
    };
    for (const r of relations) {
      add('biz', r.hostId);
      add(`set:${r.setId}`, r.hostId);
      add(`module:${r.moduleId}`, r.hostId);
    }
    const out = new Map<string, Page<HostRef>>();
    await Promise.all(
      keys.map(async (k) => {
        const node = k.objectId === 'biz' ? 'biz' : `${k.objectId}:${k.instanceId}`;
        // CMDB orders host lists by bk_host_id; windows cut here follow the same order.
        const ids = [...(members.get(node) ?? [])].sort((a, b) => Number(a) - Number(b));
        const window = ids.slice(k.offset, k.offset + k.limit);
        const hosts = window.length
          ? await s.hostInBiz.loadMany(window.map((id) => inBizKey(bizId, id)))
          : [];
        const items = hosts.filter((h): h is HostRef => h !== null && !(h instanceof Error));
        const failed = hosts.find((h): h is Error => h instanceof Error);
        if (failed) throw failed;
        out.set(stableKey(k), { count: ids.length, items });
      }),
    );
    return out;
  }

  return new DataLoader<NodeHostsKey, Page<HostRef>, string>(
    async (keys) => {
      const results = new Map<string, Page<HostRef> | Error>();
      await Promise.all(
        [...groupBy(keys, (k) => k.bizId).entries()].map(async ([bizId, group]) => {
          const nodes = new Set(group.map((k) => `${k.objectId}:${k.instanceId}`));
          const mainline = group.every((k) => ['biz', 'set', 'module'].includes(k.objectId));
          if ((nodes.size === 1 && !s.prefetchedRelations.has(bizId)) || !mainline) {
            await Promise.all(
              group.map(async (k) => results.set(stableKey(k), await direct(k).catch(asError))),
            );
            return;
          }
          try {
            for (const [id, page] of await fromRelations(bizId, group)) results.set(id, page);
          } catch (e) {
            for (const k of group) results.set(stableKey(k), asError(e));
          }
        }),
      );
      return keys.map((k) => results.get(stableKey(k)) ?? new InvariantError('host list was not fetched'));
    },
    { cacheKeyFn: stableKey, batchScheduleFn: deps.schedule },
  );
}
