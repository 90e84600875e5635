import type {
  BkModule,
  BkSet,
  Business,
  Host,
  HostRelation,
  HostTopo,
  ModuleKind,
  TopoNode,
  WatchEvent,
  WatchEventType,
  WatchResult,
} from '../domain';
import { idOf, numberOrNull, splitList, textOrNull } from '../mapping';
import type {
  WireBusiness,
  WireFilter,
  WireHost,
  WireHostTopo,
  WireModule,
  WireRelationPage,
  WireRule,
  WireSet,
  WireTopoNode,
  WireWatch,
} from './wire';

const osTypeByCode: Record<string, string> = { '1': 'LINUX', '2': 'WINDOWS', '3': 'AIX' };
const languageByCode: Record<string, string> = { '1': 'zh-cn', '2': 'en' };
const moduleKindByDefault: Record<number, ModuleKind> = { 0: 'NORMAL', 1: 'IDLE', 2: 'FAULT', 3: 'RECYCLE' };

export function toBusiness(w: WireBusiness): Business {
  const language = textOrNull(w.language);
  return {
    id: idOf(w.bk_biz_id),
    name: w.bk_biz_name ?? '',
    maintainers: splitList(w.bk_biz_maintainer, /,/),
    productors: splitList(w.bk_biz_productor, /,/),
    developers: splitList(w.bk_biz_developer, /,/),
    testers: splitList(w.bk_biz_tester, /,/),
    timeZone: textOrNull(w.time_zone),
    language: language === null ? null : (languageByCode[language] ?? language),
    isResourcePool: w.default === 1,
  };
}

export function toSet(w: WireSet): BkSet {
  return {
    id: idOf(w.bk_set_id),
    name: w.bk_set_name ?? '',
    businessId: idOf(w.bk_biz_id),
    isBuiltIn: w.default === 1,
    env: textOrNull(w.bk_set_env),
    serviceStatus: textOrNull(w.bk_service_status),
  };
}

export function toModule(w: WireModule): BkModule {
  return {
    id: idOf(w.bk_module_id),
    name: w.bk_module_name ?? '',
    setId: idOf(w.bk_set_id),
    businessId: idOf(w.bk_biz_id),
    // A custom module flag we do not know is still an ordinary module for every caller.
    kind: moduleKindByDefault[w.default ?? 0] ?? 'NORMAL',
  };
}

export function osTypeName(code: string | null | undefined): string | null {
  if (code === null || code === undefined || code === '') return null;
  return osTypeByCode[code] ?? code;
}

/** The reverse of `osTypeName`, for filters: LINUX → '1'; anything else is sent as given. */
export function osTypeCode(name: string): string {
  const hit = Object.entries(osTypeByCode).find(([, n]) => n === name.toUpperCase());
  return hit ? hit[0] : name;
}

export function toHost(w: WireHost): Host {
  // bk_host_innerip may hold several comma-joined IPv4s (CONTRACTS.md §3.2); the first is primary.
  const innerIps = splitList(w.bk_host_innerip, /,/);
  return {
    id: idOf(w.bk_host_id),
    innerIp: innerIps[0] ?? '',
    innerIps,
    innerIpv6: textOrNull(w.bk_host_innerip_v6),
    outerIp: textOrNull(w.bk_host_outerip),
    name: textOrNull(w.bk_host_name),
    osType: osTypeName(w.bk_os_type),
    osName: textOrNull(w.bk_os_name),
    cloudId: numberOrNull(w.bk_cloud_id) ?? 0,
    agentId: textOrNull(w.bk_agent_id),
  };
}

/** Written as loops, not map/flatMap: this runs for every row of a 500-host page. */
export function toHostTopo(w: WireHostTopo): HostTopo {
  const sets: HostTopo['sets'] = [];
  const modules: HostTopo['modules'] = [];
  for (const s of w.topo ?? []) {
    const setId = idOf(s.bk_set_id);
    sets.push({ id: setId, name: s.bk_set_name ?? '' });
    for (const m of s.module ?? [])
      modules.push({ id: idOf(m.bk_module_id), name: m.bk_module_name ?? '', setId });
  }
  return { host: toHost(w.host), sets, modules };
}

export function toRelations(w: WireRelationPage): HostRelation[] {
  return (w.data ?? []).map((r) => ({
    hostId: idOf(r.bk_host_id),
    businessId: idOf(r.bk_biz_id),
    setId: idOf(r.bk_set_id),
    moduleId: idOf(r.bk_module_id),
  }));
}

export function toTopoNode(w: WireTopoNode): TopoNode {
  return {
    objectId: w.bk_obj_id,
    instanceId: idOf(w.bk_inst_id),
    name: w.bk_inst_name ?? '',
    isBuiltIn: (w.default ?? 0) !== 0,
    children: (w.child ?? []).map(toTopoNode),
  };
}

/**
 * CMDB answers a poll that saw nothing with `bk_watched: false` and one placeholder event whose
 * cursor is where to continue (CONTRACTS.md §3.9): that cursor is kept, the placeholder dropped.
 */
export function toWatchResult(w: WireWatch, askedCursor?: string): WatchResult {
  const raw = w.bk_events ?? [];
  const last = raw[raw.length - 1];
  const nextCursor = last?.bk_cursor ?? askedCursor ?? '';
  if (!w.bk_watched) return { watched: false, events: [], nextCursor };
  const events: WatchEvent[] = raw
    .filter((e) => e.bk_event_type !== '')
    .map((e) => ({
      cursor: e.bk_cursor,
      resource: e.bk_resource,
      type: e.bk_event_type as WatchEventType,
      detail:
        e.bk_detail && typeof e.bk_detail === 'object' ? (e.bk_detail as Record<string, unknown>) : null,
    }));
  return { watched: true, events, nextCursor };
}

/** ANDs the given rules into a querybuilder filter, or undefined when there are none. */
export function andFilter(rules: (WireRule | undefined)[]): WireFilter | undefined {
  const present = rules.filter((r): r is WireRule => r !== undefined);
  return present.length ? { condition: 'AND', rules: present } : undefined;
}
