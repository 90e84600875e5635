import type { ApiDef, SandboxContext, SbModule, SbSet } from '../../types';
import { bothSet, paramInvalid, paramOmitted } from './errors';
import { authorizedBizId, cmdbApi } from './define';
import { compileTimeCondition, parseFields, parsePage, project, slicePage, sortRows } from './params';
import { compileCondition, compileQueryBuilder } from './querybuilder';
import { cmdbIndex } from './data-index';

/**
 * Topology reads. An unknown business is not an error here: CMDB filters by bk_biz_id and finds
 * nothing, so lists answer `count: 0` and the topology tree is `[]` (IAM still runs first).
 */

interface TopoNode {
  bk_inst_id: number;
  bk_inst_name: string;
  bk_obj_id: string;
  bk_obj_name: string;
  bk_obj_icon: string;
  default: number;
  child: TopoNode[];
}

export function searchBizInstTopo(ctx: SandboxContext): ApiDef {
  return cmdbApi('search_biz_inst_topo', '/api/v3/find/topoinst/biz/{bk_biz_id}', (req) => {
    const bizId = authorizedBizId(ctx, req);
    const biz = ctx.data.businesses.find((b) => b.bk_biz_id === bizId);
    if (!biz) return [];
    // The built-in idle set is left out unless `with_default` is non-empty (topo_server association.go).
    const withDefault = Boolean(req.query.with_default || req.body.with_default);
    const index = cmdbIndex(ctx.data);
    const moduleNode = (m: SbModule): TopoNode => ({
      bk_inst_id: m.bk_module_id,
      bk_inst_name: m.bk_module_name,
      bk_obj_id: 'module',
      bk_obj_name: 'module',
      bk_obj_icon: 'icon-cc-module',
      default: m.default,
      child: [],
    });
    const setNode = (s: SbSet): TopoNode => ({
      bk_inst_id: s.bk_set_id,
      bk_inst_name: s.bk_set_name,
      bk_obj_id: 'set',
      bk_obj_name: 'set',
      bk_obj_icon: 'icon-cc-set',
      default: s.default,
      child: (index.modulesBySet.get(s.bk_set_id) ?? []).map(moduleNode),
    });
    const sets = (index.setsByBiz.get(bizId) ?? []).filter((s) => withDefault || s.default === 0);
    return [
      {
        bk_inst_id: biz.bk_biz_id,
        bk_inst_name: biz.bk_biz_name,
        bk_obj_id: 'biz',
        bk_obj_name: 'business',
        bk_obj_icon: 'icon-cc-business',
        default: biz.default,
        child: sets.map(setNode),
      },
    ];
  });
}

export function searchSet(ctx: SandboxContext): ApiDef {
  return cmdbApi('search_set', '/api/v3/set/search/{bk_supplier_account}/{bk_biz_id}', (req) => {
    const b = req.body;
    const bizId = authorizedBizId(ctx, req);
    if (b.condition !== undefined && b.filter !== undefined) throw bothSet('condition', 'filter');
    const page = parsePage(b.page, { required: true, max: 200 });
    const fields = parseFields(b.fields, true);
    const byCondition = compileCondition(b.condition, 'condition');
    const byFilter = compileQueryBuilder(b.filter, 'filter', { maxDepth: 3 });
    const byTime = compileTimeCondition(b.time_condition);
    const matched = ctx.data.sets.filter(
      (s) => s.bk_biz_id === bizId && byCondition(s) && byFilter(s) && byTime(s),
    );
    const sorted = sortRows(matched, page.sort, 'bk_set_id');
    return {
      count: matched.length,
      info: slicePage(sorted, page).map((s) => project(s, fields, ['default'])),
    };
  });
}

export function searchModule(ctx: SandboxContext): ApiDef {
  return cmdbApi(
    'search_module',
    '/api/v3/module/search/{bk_supplier_account}/{bk_biz_id}/{bk_set_id}',
    (req) => {
      const b = req.body;
      const bizId = authorizedBizId(ctx, req);
      // bk_set_id 0 (what clients put in the path when they have none) means every set.
      const rawSet = req.pathParams.bk_set_id ?? b.bk_set_id ?? 0;
      const setId = Number(rawSet);
      if (!Number.isInteger(setId) || setId < 0) throw paramInvalid('bk_set_id');
      if (b.condition === undefined) throw paramOmitted('condition');
      const page = parsePage(b.page, { required: true, max: 1000 });
      const fields = parseFields(b.fields, true);
      const byCondition = compileCondition(b.condition, 'condition');
      const matched = ctx.data.modules.filter(
        (m) => m.bk_biz_id === bizId && (setId === 0 || m.bk_set_id === setId) && byCondition(m),
      );
      const sorted = sortRows(matched, page.sort, 'bk_module_id');
      return {
        count: matched.length,
        info: slicePage(sorted, page).map((m) => project(m, fields, ['default'])),
      };
    },
  );
}
