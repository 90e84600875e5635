import { canSeeBusiness } from '../../data/users';
import type { ApiDef, SandboxContext } from '../../types';
import { bothSet } from './errors';
import { cmdbApi } from './define';
import { compileTimeCondition, parseFields, parsePage, project, slicePage, sortRows } from './params';
import { compileCondition, compileQueryBuilder } from './querybuilder';

/** search_business (CONTRACTS.md §3.1): filtered to the businesses the caller may see. */
export function searchBusiness(ctx: SandboxContext): ApiDef {
  return cmdbApi('search_business', '/api/v3/biz/search/{bk_supplier_account}', (req) => {
    const b = req.body;
    if (b.condition !== undefined && b.biz_property_filter !== undefined)
      throw bothSet('condition', 'biz_property_filter');
    const page = parsePage(b.page, { required: false, max: 200 });
    const fields = parseFields(b.fields, false);
    const byCondition = compileCondition(b.condition, 'condition');
    const byFilter = compileQueryBuilder(b.biz_property_filter, 'biz_property_filter', { maxDepth: 3 });
    const byTime = compileTimeCondition(b.time_condition);
    // An unverified bk_username claim is judged by that username; unknown names see nothing.
    const user = req.user ?? (req.claimedUsername ? ctx.data.users.get(req.claimedUsername) : undefined);
    const matched = ctx.data.businesses.filter(
      (biz) => canSeeBusiness(user, biz.bk_biz_id) && byCondition(biz) && byFilter(biz) && byTime(biz),
    );
    const sorted = sortRows(matched, page.sort, 'bk_biz_id');
    return {
      count: matched.length,
      info: slicePage(sorted, page).map((biz) => project(biz, fields, ['default'])),
    };
  });
}
