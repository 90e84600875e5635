import type { ApiModuleFactory } from '../types';
import { searchBusiness } from './cmdb/business';
import { cmdbControlRoutes } from './cmdb/control';
import {
  findHostBizRelations,
  findHostByTopo,
  findHostTopoRelation,
  listBizHosts,
  listBizHostsTopo,
} from './cmdb/hosts';
import { searchBizInstTopo, searchModule, searchSet } from './cmdb/topo';
import { resourceWatch } from './cmdb/watch';

/** CMDB (CONTRACTS.md §3): nine open APIs of CONTRACTS.md (plus find_host_biz_relations, for hosts known only by id) on APIGW `bk-cmdb` and ESB `cc`, plus data controls. */
export const createCmdbApis: ApiModuleFactory = (ctx) => ({
  apis: [
    searchBusiness(ctx),
    listBizHosts(ctx),
    listBizHostsTopo(ctx),
    searchBizInstTopo(ctx),
    findHostTopoRelation(ctx),
    searchSet(ctx),
    searchModule(ctx),
    findHostByTopo(ctx),
    resourceWatch(ctx),
    findHostBizRelations(ctx),
  ],
  controlRoutes: cmdbControlRoutes(ctx),
});
