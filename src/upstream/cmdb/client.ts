import type {
  HostField,
  BkModule,
  BkSet,
  Business,
  Host,
  HostRelation,
  HostTopo,
  Page,
  TopoNode,
  WatchEventType,
  WatchResource,
  WatchResult,
} from '../domain';
import { wireId, wireIds } from '../ids';
import { fetchAllPages } from '../paging';
import type { CallContext, UpstreamCaller } from '../types';
import {
  andFilter,
  osTypeCode,
  toBusiness,
  toHost,
  toHostTopo,
  toModule,
  toRelations,
  toSet,
  toTopoNode,
  toWatchResult,
} from './map';
import { wireHostFields } from './host-fields';
import { CMDB_LIMITS, cmdbSpecs } from './specs';
import type {
  WireBusiness,
  WireHost,
  WireHostTopo,
  WireList,
  WireModule,
  WireRelationPage,
  WireRule,
  WireSet,
  WireTopoNode,
  WireWatch,
} from './wire';

export interface PageArgs {
  start: number;
  limit: number;
}

export interface BusinessFilter {
  names?: string[];
  nameContains?: string;
  /** Matches businesses whose maintainer list contains this text (CMDB `contains`). */
  maintainer?: string;
  ids?: string[];
}

export interface HostFilter {
  /** Hosts by bk_host_id (at most `CMDB_LIMITS.hostIds` per call). */
  ids?: string[];
  /** Exact IPv4s; a host with comma-joined IPs matches only on its whole stored value. */
  innerIps?: string[];
  nameContains?: string;
  /** LINUX / WINDOWS / AIX or a raw CMDB code. */
  osType?: string;
  cloudId?: number;
}

export interface HostsArgs {
  bizId: string;
  setIds?: string[];
  moduleIds?: string[];
  filter?: HostFilter;
  /** The host fields to read; every field when not given. */
  fields?: readonly HostField[];
}

export interface RelationArgs {
  bizId: string;
  hostIds?: string[];
  setIds?: string[];
  moduleIds?: string[];
}

export interface WatchArgs {
  resource: WatchResource;
  /** Required non-empty for host, biz, set and module (CMDB rejects an empty list there). */
  fields: string[];
  /** Continue after this cursor; wins over `startFrom` (CMDB rejects both together). */
  cursor?: string;
  startFrom?: Date;
  eventTypes?: WatchEventType[];
  /** A custom object id, only for object_instance / mainline_instance. */
  subResource?: string;
}

export interface CmdbClient {
  searchBusiness(args: BusinessFilter & PageArgs, ctx: CallContext): Promise<Page<Business>>;
  allBusinesses(filter: BusinessFilter, ctx: CallContext): Promise<Business[]>;
  listBizHosts(args: HostsArgs & PageArgs, ctx: CallContext): Promise<Page<Host>>;
  allBizHosts(args: HostsArgs, ctx: CallContext): Promise<Host[]>;
  listBizHostsTopo(args: HostsArgs & PageArgs, ctx: CallContext): Promise<Page<HostTopo>>;
  searchBizInstTopo(bizId: string, ctx: CallContext): Promise<TopoNode[]>;
  findHostTopoRelation(args: RelationArgs & PageArgs, ctx: CallContext): Promise<Page<HostRelation>>;
  allHostTopoRelations(args: RelationArgs, ctx: CallContext): Promise<HostRelation[]>;
  /** Business/set/module rows of hosts known only by id (at most `CMDB_LIMITS.hostIds` ids). */
  findHostBizRelations(hostIds: string[], ctx: CallContext): Promise<HostRelation[]>;
  searchSet(args: { bizId: string; ids?: string[] } & PageArgs, ctx: CallContext): Promise<Page<BkSet>>;
  allSets(args: { bizId: string; ids?: string[] }, ctx: CallContext): Promise<BkSet[]>;
  searchModule(
    args: { bizId: string; setId?: string; ids?: string[] } & PageArgs,
    ctx: CallContext,
  ): Promise<Page<BkModule>>;
  allModules(args: { bizId: string; setId?: string; ids?: string[] }, ctx: CallContext): Promise<BkModule[]>;
  findHostByTopo(
    args: { bizId: string; objectId: string; instanceId: string; fields?: readonly HostField[] } & PageArgs,
    ctx: CallContext,
  ): Promise<Page<Host>>;
  resourceWatch(args: WatchArgs, ctx: CallContext): Promise<WatchResult>;
}

export interface CmdbClientOptions {
  /** `bk_supplier_account` for the paths that carry it. @default '0' */
  supplierAccount?: string;
  /** Pages fetched at once by the `all*` variants. @default 4 */
  pageConcurrency?: number;
}

/** Every CMDB host field a `Host` is read from. */
export const HOST_FIELDS = wireHostFields(undefined);
const BUSINESS_FIELDS = [
  'bk_biz_id',
  'bk_biz_name',
  'bk_biz_maintainer',
  'bk_biz_productor',
  'bk_biz_developer',
  'bk_biz_tester',
  'time_zone',
  'language',
  'default',
];
const SET_FIELDS = ['bk_set_id', 'bk_set_name', 'bk_biz_id', 'default', 'bk_set_env', 'bk_service_status'];
const MODULE_FIELDS = ['bk_module_id', 'bk_module_name', 'bk_set_id', 'bk_biz_id', 'default'];

const rule = (field: string, operator: string, value: unknown): WireRule => ({ field, operator, value });

function hostFilterOf(f: HostFilter | undefined) {
  if (!f) return undefined;
  return andFilter([
    f.ids?.length ? rule('bk_host_id', 'in', wireIds(f.ids, 'hostIds')) : undefined,
    f.innerIps?.length ? rule('bk_host_innerip', 'in', f.innerIps) : undefined,
    f.nameContains ? rule('bk_host_name', 'contains', f.nameContains) : undefined,
    f.osType ? rule('bk_os_type', 'equal', osTypeCode(f.osType)) : undefined,
    f.cloudId !== undefined ? rule('bk_cloud_id', 'equal', f.cloudId) : undefined,
  ]);
}

/** CMDB sorts nothing by default; paging over an unsorted list can skip or repeat rows. */
const page = (p: PageArgs, sort: string) => ({ start: p.start, limit: p.limit, sort });

export function createCmdbClient(caller: UpstreamCaller, options: CmdbClientOptions = {}): CmdbClient {
  const supplier = options.supplierAccount ?? '0';
  const concurrency = options.pageConcurrency ?? 4;
  const all = <T>(pageSize: number, fetch: (p: PageArgs) => Promise<Page<T>>) =>
    fetchAllPages((start, limit) => fetch({ start, limit }), { pageSize, concurrency }).then((p) => p.items);

  const client: CmdbClient = {
    async searchBusiness(args, ctx) {
      const filter = andFilter([
        args.ids?.length ? rule('bk_biz_id', 'in', wireIds(args.ids, 'ids')) : undefined,
        args.names?.length ? rule('bk_biz_name', 'in', args.names) : undefined,
        args.nameContains ? rule('bk_biz_name', 'contains', args.nameContains) : undefined,
        args.maintainer ? rule('bk_biz_maintainer', 'contains', args.maintainer) : undefined,
      ]);
      const data = await caller.call<WireList<WireBusiness>>(
        cmdbSpecs.searchBusiness,
        {
          path: { bk_supplier_account: supplier },
          body: {
            bk_supplier_account: supplier,
            fields: BUSINESS_FIELDS,
            ...(filter ? { biz_property_filter: filter } : {}),
            page: page(args, 'bk_biz_id'),
          },
        },
        ctx,
      );
      return { count: data.count, items: (data.info ?? []).map(toBusiness) };
    },

    allBusinesses(filter, ctx) {
      return all(CMDB_LIMITS.businessPage, (p) => client.searchBusiness({ ...filter, ...p }, ctx));
    },

    async listBizHosts(args, ctx) {
      const bizId = wireId(args.bizId, 'bizId');
      const filter = hostFilterOf(args.filter);
      const data = await caller.call<WireList<WireHost>>(
        cmdbSpecs.listBizHosts,
        {
          path: { bk_biz_id: bizId },
          body: {
            bk_biz_id: bizId,
            ...(args.setIds?.length ? { bk_set_ids: wireIds(args.setIds, 'setIds') } : {}),
            ...(args.moduleIds?.length ? { bk_module_ids: wireIds(args.moduleIds, 'moduleIds') } : {}),
            ...(filter ? { host_property_filter: filter } : {}),
            fields: wireHostFields(args.fields),
            page: page(args, 'bk_host_id'),
          },
        },
        ctx,
      );
      return { count: data.count, items: (data.info ?? []).map(toHost) };
    },

    allBizHosts(args, ctx) {
      return all(CMDB_LIMITS.hostsPage, (p) => client.listBizHosts({ ...args, ...p }, ctx));
    },

    async listBizHostsTopo(args, ctx) {
      const bizId = wireId(args.bizId, 'bizId');
      const hostFilter = hostFilterOf(args.filter);
      const setFilter = args.setIds?.length
        ? andFilter([rule('bk_set_id', 'in', wireIds(args.setIds, 'setIds'))])
        : undefined;
      const moduleFilter = args.moduleIds?.length
        ? andFilter([rule('bk_module_id', 'in', wireIds(args.moduleIds, 'moduleIds'))])
        : undefined;
      const data = await caller.call<WireList<WireHostTopo>>(
        cmdbSpecs.listBizHostsTopo,
        {
          path: { bk_biz_id: bizId },
          body: {
            bk_biz_id: bizId,
            ...(setFilter ? { set_property_filter: setFilter } : {}),
            ...(moduleFilter ? { module_property_filter: moduleFilter } : {}),
            ...(hostFilter ? { host_property_filter: hostFilter } : {}),
            fields: wireHostFields(args.fields),
            page: { start: args.start, limit: args.limit },
          },
        },
        ctx,
      );
      return { count: data.count, items: (data.info ?? []).map(toHostTopo) };
    },

    async searchBizInstTopo(bizIdArg, ctx) {
      const bizId = wireId(bizIdArg, 'bizId');
      const data = await caller.call<WireTopoNode[] | null>(
        cmdbSpecs.searchBizInstTopo,
        { path: { bk_biz_id: bizId }, body: { bk_biz_id: bizId } },
        ctx,
      );
      return (data ?? []).map(toTopoNode);
    },

    async findHostTopoRelation(args, ctx) {
      const bizId = wireId(args.bizId, 'bizId');
      const data = await caller.call<WireRelationPage>(
        cmdbSpecs.findHostTopoRelation,
        {
          body: {
            bk_biz_id: bizId,
            ...(args.hostIds?.length ? { bk_host_ids: wireIds(args.hostIds, 'hostIds') } : {}),
            ...(args.setIds?.length ? { bk_set_ids: wireIds(args.setIds, 'setIds') } : {}),
            ...(args.moduleIds?.length ? { bk_module_ids: wireIds(args.moduleIds, 'moduleIds') } : {}),
            page: { start: args.start, limit: args.limit },
          },
        },
        ctx,
      );
      return { count: data.count, items: toRelations(data) };
    },

    allHostTopoRelations(args, ctx) {
      return all(CMDB_LIMITS.relationPage, (p) => client.findHostTopoRelation({ ...args, ...p }, ctx));
    },

    async findHostBizRelations(hostIds, ctx) {
      const rows = await caller.call<WireRelationPage['data'] | null>(
        cmdbSpecs.findHostBizRelations,
        { body: { bk_host_id: wireIds(hostIds, 'hostIds') } },
        ctx,
      );
      return toRelations({ count: rows?.length ?? 0, data: rows ?? [] });
    },

    async searchSet(args, ctx) {
      const bizId = wireId(args.bizId, 'bizId');
      const filter = args.ids?.length
        ? andFilter([rule('bk_set_id', 'in', wireIds(args.ids, 'ids'))])
        : undefined;
      const data = await caller.call<WireList<WireSet>>(
        cmdbSpecs.searchSet,
        {
          path: { bk_supplier_account: supplier, bk_biz_id: bizId },
          body: {
            bk_supplier_account: supplier,
            bk_biz_id: bizId,
            fields: SET_FIELDS,
            ...(filter ? { filter } : {}),
            page: page(args, 'bk_set_id'),
          },
        },
        ctx,
      );
      return { count: data.count, items: (data.info ?? []).map(toSet) };
    },

    allSets(args, ctx) {
      return all(CMDB_LIMITS.setPage, (p) => client.searchSet({ ...args, ...p }, ctx));
    },

    async searchModule(args, ctx) {
      const bizId = wireId(args.bizId, 'bizId');
      // bk_set_id is part of the APIGW path; 0 means "every set" (what bk-log sends).
      const setId = args.setId === undefined ? 0 : wireId(args.setId, 'setId');
      const condition = args.ids?.length ? { bk_module_id: { $in: wireIds(args.ids, 'ids') } } : {};
      const data = await caller.call<WireList<WireModule>>(
        cmdbSpecs.searchModule,
        {
          path: { bk_supplier_account: supplier, bk_biz_id: bizId, bk_set_id: setId },
          body: {
            bk_supplier_account: supplier,
            bk_biz_id: bizId,
            ...(setId ? { bk_set_id: setId } : {}),
            fields: MODULE_FIELDS,
            condition,
            page: page(args, 'bk_module_id'),
          },
        },
        ctx,
      );
      return { count: data.count, items: (data.info ?? []).map(toModule) };
    },

    allModules(args, ctx) {
      return all(CMDB_LIMITS.modulePage, (p) => client.searchModule({ ...args, ...p }, ctx));
    },

    async findHostByTopo(args, ctx) {
      const bizId = wireId(args.bizId, 'bizId');
      const data = await caller.call<WireList<WireHost>>(
        cmdbSpecs.findHostByTopo,
        {
          path: { bk_biz_id: bizId },
          body: {
            bk_biz_id: bizId,
            bk_obj_id: args.objectId,
            bk_inst_id: wireId(args.instanceId, 'instanceId'),
            fields: wireHostFields(args.fields),
            page: page(args, 'bk_host_id'),
          },
        },
        ctx,
      );
      return { count: data.count, items: (data.info ?? []).map(toHost) };
    },

    async resourceWatch(args, ctx) {
      const start = args.cursor
        ? { bk_cursor: args.cursor }
        : args.startFrom
          ? { bk_start_from: Math.floor(args.startFrom.getTime() / 1000) }
          : {};
      const data = await caller.call<WireWatch>(
        cmdbSpecs.resourceWatch,
        {
          path: { bk_resource: args.resource },
          body: {
            bk_resource: args.resource,
            bk_fields: args.fields,
            ...(args.eventTypes?.length ? { bk_event_types: args.eventTypes } : {}),
            ...(args.subResource ? { bk_filter: { bk_sub_resource: args.subResource } } : {}),
            ...start,
            bk_supplier_account: supplier,
          },
        },
        ctx,
      );
      return toWatchResult(data, args.cursor);
    },
  };
  return client;
}
