import type { ApiDef, SandboxContext, SbHost, SbHostRelation, SbModule, SbSet } from '../../types';
import { bothSet, inputEmpty, pageLimitExceeded, paramInvalid } from './errors';
import { authorizedBizId, cmdbApi, VIEW_BUSINESS } from './define';
import { bizIdOf, parseFields, parseIds, parsePage, project, slicePage, sortRows } from './params';
import type { Predicate, Row } from './querybuilder';
import { compileQueryBuilder } from './querybuilder';
import { cmdbIndex, distinctHosts } from './data-index';

/** Host reads (CONTRACTS.md §3.2, §3.3, §3.5, §3.8). Unknown businesses answer an empty page. */

const HOST_PAGE_MAX = 500;

/** `set_cond` / `module_cond`: `[{field, operator: "$eq" | "$ne", value}]`. */
function compileCond(raw: unknown, name: string): Predicate | null {
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw)) throw paramInvalid(name);
  const checks = raw.map((c: unknown): Predicate => {
    if (c === null || typeof c !== 'object') throw paramInvalid(name);
    const { field, operator, value } = c as Record<string, unknown>;
    if (typeof field !== 'string' || (operator !== '$eq' && operator !== '$ne')) throw paramInvalid(name);
    return operator === '$eq'
      ? (row: object) => (row as Row)[field] === value
      : (row: object) => (row as Row)[field] !== value;
  });
  return (row) => checks.every((c) => c(row));
}

const bizRelations = (ctx: SandboxContext, bizId: number): readonly SbHostRelation[] =>
  cmdbIndex(ctx.data).relationsByBiz.get(bizId) ?? [];

/** A querybuilder filter, or null when the request has none (so its pass over the hosts is skipped). */
function optionalFilter(raw: unknown, name: string): Predicate | null {
  return raw === undefined || raw === null ? null : compileQueryBuilder(raw, name, { maxDepth: 2 });
}

/** Hosts of the business (id order, each once) in one of `modules` (ids); null = any module of it. */
function hostsIn(
  ctx: SandboxContext,
  bizId: number,
  modules: { has(moduleId: number): boolean } | null,
): readonly SbHost[] {
  const index = cmdbIndex(ctx.data);
  if (modules === null) return index.hostsByBiz.get(bizId) ?? [];
  return distinctHosts(bizRelations(ctx, bizId), index.hostById, (r) => modules.has(r.bk_module_id));
}

interface TopoSlice {
  sets: Map<number, SbSet>;
  modules: Map<number, SbModule>;
}

/** The business's sets that pass `setOk` and their modules that pass `moduleOk`, by id. */
function topoWhere(
  ctx: SandboxContext,
  bizId: number,
  setOk: (s: SbSet) => boolean,
  moduleOk: (m: SbModule) => boolean,
): TopoSlice {
  const index = cmdbIndex(ctx.data);
  const sets = new Map<number, SbSet>();
  for (const s of index.setsByBiz.get(bizId) ?? []) if (setOk(s)) sets.set(s.bk_set_id, s);
  const modules = new Map<number, SbModule>();
  for (const setId of sets.keys())
    for (const m of index.modulesBySet.get(setId) ?? []) if (moduleOk(m)) modules.set(m.bk_module_id, m);
  return { sets, modules };
}

const everything = (): boolean => true;

export function listBizHosts(ctx: SandboxContext): ApiDef {
  return cmdbApi('list_biz_hosts', '/api/v3/hosts/app/{bk_biz_id}/list_hosts', (req) => {
    const b = req.body;
    const bizId = authorizedBizId(ctx, req);
    const page = parsePage(b.page, { required: true, max: HOST_PAGE_MAX });
    if (b.bk_set_ids !== undefined && b.set_cond !== undefined) throw bothSet('bk_set_ids', 'set_cond');
    if (b.bk_module_ids !== undefined && b.module_cond !== undefined)
      throw bothSet('bk_module_ids', 'module_cond');
    const setIds = parseIds(b.bk_set_ids, 'bk_set_ids', 200);
    const moduleIds = parseIds(b.bk_module_ids, 'bk_module_ids', 500);
    const setCond = compileCond(b.set_cond, 'set_cond');
    const moduleCond = compileCond(b.module_cond, 'module_cond');
    const byHost = optionalFilter(b.host_property_filter, 'host_property_filter');
    const fields = parseFields(b.fields, true);

    const setOk = (s: SbSet) => (!setIds || setIds.includes(s.bk_set_id)) && (!setCond || setCond(s));
    const moduleOk = (m: SbModule) =>
      (!moduleIds || moduleIds.includes(m.bk_module_id)) && (!moduleCond || moduleCond(m));
    // Without set or module filters every host of the business qualifies: the index has them ready.
    const topoFiltered = setIds || moduleIds || setCond || moduleCond;
    const inTopo = hostsIn(ctx, bizId, topoFiltered ? topoWhere(ctx, bizId, setOk, moduleOk).modules : null);
    const hosts = byHost ? inTopo.filter(byHost) : inTopo;
    // Hosts are in bk_host_id order (the index's lists and distinctHosts are; filter keeps order),
    // so without page.sort, or sorted by bk_host_id, this is the page as it is (no copy).
    const sorted = sortRows(hosts, page.sort, 'bk_host_id', true);
    return { count: hosts.length, info: slicePage(sorted, page).map((h) => project(h, fields)) };
  });
}

interface TopoEntry {
  bk_set_id: number;
  bk_set_name: string;
  module: Array<{ bk_module_id: number; bk_module_name: string }>;
}

/** A host's sets and modules among the listed ones, sets in order of their first module. */
function topoOf(
  relations: readonly SbHostRelation[],
  sets: ReadonlyMap<number, SbSet>,
  modules: ReadonlyMap<number, SbModule>,
): TopoEntry[] {
  const topo: TopoEntry[] = [];
  for (const r of relations) {
    const set = sets.get(r.bk_set_id);
    const mod = modules.get(r.bk_module_id);
    if (!set || !mod) continue;
    let entry = topo.find((t) => t.bk_set_id === set.bk_set_id);
    if (!entry) {
      entry = { bk_set_id: set.bk_set_id, bk_set_name: set.bk_set_name, module: [] };
      topo.push(entry);
    }
    entry.module.push({ bk_module_id: mod.bk_module_id, bk_module_name: mod.bk_module_name });
  }
  return topo;
}

export function listBizHostsTopo(ctx: SandboxContext): ApiDef {
  return cmdbApi('list_biz_hosts_topo', '/api/v3/hosts/app/{bk_biz_id}/list_hosts_topo', (req) => {
    const b = req.body;
    const bizId = authorizedBizId(ctx, req);
    const page = parsePage(b.page, { required: true, max: HOST_PAGE_MAX });
    const bySet = optionalFilter(b.set_property_filter, 'set_property_filter');
    const byModule = optionalFilter(b.module_property_filter, 'module_property_filter');
    const byHost = optionalFilter(b.host_property_filter, 'host_property_filter');
    const fields = parseFields(b.fields, true);

    const { sets, modules } = topoWhere(ctx, bizId, bySet ?? everything, byModule ?? everything);
    // Without set or module filters every host of the business qualifies: the index has them ready.
    const inTopo = hostsIn(ctx, bizId, bySet || byModule ? modules : null);
    const hosts = byHost ? inTopo.filter(byHost) : inTopo;
    const byHostId = cmdbIndex(ctx.data).relationsByHost;
    // Results are ordered by bk_host_id (the doc says so; page.sort is not offered here). The
    // topology is built for the page's hosts only.
    const info = slicePage(hosts, page).map((h) => ({
      host: project(h, fields),
      topo: topoOf(byHostId.get(h.bk_host_id) ?? [], sets, modules),
    }));
    return { count: hosts.length, info };
  });
}

export function findHostByTopo(ctx: SandboxContext): ApiDef {
  return cmdbApi('find_host_by_topo', '/api/v3/findmany/hosts/by_topo/biz/{bk_biz_id}', (req) => {
    const b = req.body;
    const bizId = authorizedBizId(ctx, req);
    // Mainline nodes below the business only: biz and host are not topology nodes here.
    if (b.bk_obj_id !== 'set' && b.bk_obj_id !== 'module') throw paramInvalid('bk_obj_id');
    const instId = b.bk_inst_id;
    if (typeof instId !== 'number' || !Number.isInteger(instId) || instId <= 0)
      throw paramInvalid('bk_inst_id');
    const fields = parseFields(b.fields, true);
    const page = parsePage(b.page, { required: true, max: HOST_PAGE_MAX });
    const key = b.bk_obj_id === 'set' ? 'bk_set_id' : 'bk_module_id';
    const hosts = distinctHosts(
      bizRelations(ctx, bizId),
      cmdbIndex(ctx.data).hostById,
      (r) => r[key] === instId,
    );
    // distinctHosts lists hosts in bk_host_id order.
    const sorted = sortRows(hosts, page.sort, 'bk_host_id', true);
    return { count: hosts.length, info: slicePage(sorted, page).map((h) => project(h, fields)) };
  });
}

export function findHostTopoRelation(ctx: SandboxContext): ApiDef {
  return cmdbApi('find_host_topo_relation', '/api/v3/host/topo/relation/read', (req) => {
    const b = req.body;
    const setIds = parseIds(b.bk_set_ids, 'bk_set_ids', 200, 'exceed');
    const moduleIds = parseIds(b.bk_module_ids, 'bk_module_ids', 500, 'exceed');
    const hostIds = parseIds(b.bk_host_ids, 'bk_host_ids', 500, 'exceed');
    const hasBiz = b.bk_biz_id !== undefined && b.bk_biz_id !== null && b.bk_biz_id !== 0;
    if (!hasBiz && !setIds?.length && !moduleIds?.length && !hostIds?.length) throw inputEmpty();
    const bizId = bizIdOf(req);
    ctx.assertBizAccess(req, bizId, VIEW_BUSINESS, 'bk_cmdb');
    // GetHostModuleRelation checks the page itself: limit ≤ 0 or > 1000 is 1199059.
    const page = b.page as Record<string, unknown> | undefined;
    const limit = page && typeof page === 'object' ? page.limit : undefined;
    const start = page && typeof page === 'object' ? (page.start ?? 0) : 0;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit <= 0 || limit > 1000)
      throw pageLimitExceeded();
    if (typeof start !== 'number' || !Number.isInteger(start) || start < 0) throw paramInvalid('page.start');
    // Already ordered by host id, then module id; without id filters the list is the answer as is.
    const all = bizRelations(ctx, bizId);
    const rows =
      setIds?.length || moduleIds?.length || hostIds?.length
        ? all.filter(
            (r) =>
              (!setIds?.length || setIds.includes(r.bk_set_id)) &&
              (!moduleIds?.length || moduleIds.includes(r.bk_module_id)) &&
              (!hostIds?.length || hostIds.includes(r.bk_host_id)),
          )
        : all;
    return {
      count: rows.length,
      data: rows.slice(start, start + limit).map((r) => ({
        bk_biz_id: r.bk_biz_id,
        bk_set_id: r.bk_set_id,
        bk_module_id: r.bk_module_id,
        bk_host_id: r.bk_host_id,
        bk_supplier_account: '0',
      })),
      page: { start, limit },
    };
  });
}

/**
 * find_host_biz_relations (查询主机业务关系信息; APIGW POST /api/v3/hosts/modules/read, ESB
 * `cc/find_host_biz_relations`): the business, set and module rows of hosts known only by id.
 * Not in CONTRACTS.md; from bk-cmdb's own API doc: `bk_host_id` array of fewer than 500 ids
 * (required, non-empty), optional `bk_biz_id`; data is a bare array of relation rows. No IAM check
 * here: the rows reveal only ids, and the host-detail call that follows is biz-scoped.
 */
export function findHostBizRelations(ctx: SandboxContext): ApiDef {
  return cmdbApi('find_host_biz_relations', '/api/v3/hosts/modules/read', (req) => {
    const b = req.body;
    const hostIds = parseIds(b.bk_host_id, 'bk_host_id', 500, 'exceed');
    if (!hostIds?.length) throw inputEmpty();
    const bizId = b.bk_biz_id === undefined || b.bk_biz_id === null ? null : Number(b.bk_biz_id);
    if (bizId !== null && !Number.isInteger(bizId)) throw paramInvalid('bk_biz_id');
    const byHost = cmdbIndex(ctx.data).relationsByHost;
    return [...new Set(hostIds)]
      .sort((x, y) => x - y)
      .flatMap((id) => byHost.get(id) ?? [])
      .filter((r) => bizId === null || r.bk_biz_id === bizId)
      .map((r) => ({
        bk_biz_id: r.bk_biz_id,
        bk_host_id: r.bk_host_id,
        bk_module_id: r.bk_module_id,
        bk_set_id: r.bk_set_id,
        bk_supplier_account: '0',
      }));
  });
}
