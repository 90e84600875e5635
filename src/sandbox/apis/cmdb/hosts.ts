import type { ApiDef, SandboxContext, SbHost, SbHostRelation } from '../../types';
import { bothSet, inputEmpty, pageLimitExceeded, paramInvalid } from './errors';
import { authorizedBizId, cmdbApi, VIEW_BUSINESS } from './define';
import { bizIdOf, parseFields, parseIds, parsePage, project, slicePage, sortRows } from './params';
import type { Predicate, Row } from './querybuilder';
import { compileQueryBuilder } from './querybuilder';
import { cmdbIndex } from './data-index';

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

/** Hosts (id order, each once) of the given relations that pass `byHost`. */
function hostsOf(ctx: SandboxContext, relations: readonly SbHostRelation[], byHost: Predicate): SbHost[] {
  const all = cmdbIndex(ctx.data).hostById;
  const ids = [...new Set(relations.map((r) => r.bk_host_id))].sort((a, b) => a - b);
  return ids.map((id) => all.get(id)).filter((h): h is SbHost => h !== undefined && byHost(h));
}

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
    const byHost = compileQueryBuilder(b.host_property_filter, 'host_property_filter', { maxDepth: 2 });
    const fields = parseFields(b.fields, true);

    const setOk = new Set(
      ctx.data.sets
        .filter(
          (s) =>
            s.bk_biz_id === bizId && (!setIds || setIds.includes(s.bk_set_id)) && (!setCond || setCond(s)),
        )
        .map((s) => s.bk_set_id),
    );
    const moduleOk = new Set(
      ctx.data.modules
        .filter(
          (m) =>
            setOk.has(m.bk_set_id) &&
            (!moduleIds || moduleIds.includes(m.bk_module_id)) &&
            (!moduleCond || moduleCond(m)),
        )
        .map((m) => m.bk_module_id),
    );
    const hosts = hostsOf(
      ctx,
      bizRelations(ctx, bizId).filter((r) => moduleOk.has(r.bk_module_id)),
      byHost,
    );
    const sorted = sortRows(hosts, page.sort, 'bk_host_id');
    return { count: hosts.length, info: slicePage(sorted, page).map((h) => project(h, fields)) };
  });
}

export function listBizHostsTopo(ctx: SandboxContext): ApiDef {
  return cmdbApi('list_biz_hosts_topo', '/api/v3/hosts/app/{bk_biz_id}/list_hosts_topo', (req) => {
    const b = req.body;
    const bizId = authorizedBizId(ctx, req);
    const page = parsePage(b.page, { required: true, max: HOST_PAGE_MAX });
    const bySet = compileQueryBuilder(b.set_property_filter, 'set_property_filter', { maxDepth: 2 });
    const byModule = compileQueryBuilder(b.module_property_filter, 'module_property_filter', { maxDepth: 2 });
    const byHost = compileQueryBuilder(b.host_property_filter, 'host_property_filter', { maxDepth: 2 });
    const fields = parseFields(b.fields, true);

    const sets = new Map(
      ctx.data.sets.filter((s) => s.bk_biz_id === bizId && bySet(s)).map((s) => [s.bk_set_id, s]),
    );
    const modules = new Map(
      ctx.data.modules.filter((m) => sets.has(m.bk_set_id) && byModule(m)).map((m) => [m.bk_module_id, m]),
    );
    const relations = bizRelations(ctx, bizId).filter((r) => modules.has(r.bk_module_id));
    const byHostId = cmdbIndex(ctx.data).relationsByHost;
    // Results are ordered by bk_host_id (the doc says so; page.sort is not offered here).
    const hosts = hostsOf(ctx, relations, byHost);
    const info = slicePage(hosts, page).map((h) => {
      const topo: Array<{
        bk_set_id: number;
        bk_set_name: string;
        module: Array<{ bk_module_id: number; bk_module_name: string }>;
      }> = [];
      for (const r of (byHostId.get(h.bk_host_id) ?? []).filter((x) => modules.has(x.bk_module_id))) {
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
      return { host: project(h, fields), topo };
    });
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
    const relations = bizRelations(ctx, bizId).filter((r) => r[key] === instId);
    const hosts = hostsOf(ctx, relations, () => true);
    const sorted = sortRows(hosts, page.sort, 'bk_host_id');
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
    // Already ordered by host id, then module id.
    const rows = bizRelations(ctx, bizId).filter(
      (r) =>
        (!setIds?.length || setIds.includes(r.bk_set_id)) &&
        (!moduleIds?.length || moduleIds.includes(r.bk_module_id)) &&
        (!hostIds?.length || hostIds.includes(r.bk_host_id)),
    );
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
