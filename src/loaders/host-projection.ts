import type { HostField } from '../upstream/domain';

/**
 * Which fields of its hosts a host list reads, and whether their topology (sets, modules) too.
 * Loaders key pages by it and ask CMDB for no more: a 1000-host answer carrying every field and
 * the topology costs most of a request's time in JSON parsing and garbage collection. `topo` says
 * whether sets/modules are read (the page then comes from list_biz_hosts_topo; otherwise from
 * list_biz_hosts, which carries no topology). src/graph/host-projection.ts derives it from a query.
 */
export interface HostProjection {
  /** Sorted host fields, always with `id`. */
  readonly fields: readonly HostField[];
  readonly topo: boolean;
}

const EVERY_FIELD: readonly HostField[] = [
  'agentId',
  'cloudId',
  'id',
  'innerIp',
  'innerIpv6',
  'name',
  'osName',
  'osType',
  'outerIp',
];

export const FULL_HOST_PROJECTION: HostProjection = { fields: EVERY_FIELD, topo: true };
/** What a count-only page needs: the smallest answer that still carries CMDB's `count`. */
export const COUNT_ONLY_PROJECTION: HostProjection = { fields: ['id'], topo: false };

export function isFullProjection(p: HostProjection): boolean {
  return p.topo && p.fields.length === EVERY_FIELD.length;
}
