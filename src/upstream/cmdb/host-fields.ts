import type { HostField } from '../domain';

/**
 * The CMDB fields each host field is read from. CMDB's host APIs return only the `fields` asked for
 * ("能够加速接口请求和减少网络流量传输", its docs say), so a list asks for what its query reads.
 * `bk_host_id` is always asked for: every row is keyed by it.
 */
export const HOST_WIRE_FIELDS: Readonly<Record<HostField, string>> = {
  id: 'bk_host_id',
  innerIp: 'bk_host_innerip',
  innerIpv6: 'bk_host_innerip_v6',
  outerIp: 'bk_host_outerip',
  name: 'bk_host_name',
  osType: 'bk_os_type',
  osName: 'bk_os_name',
  cloudId: 'bk_cloud_id',
  agentId: 'bk_agent_id',
};

/** Every host field, in a stable order. */
export const ALL_HOST_FIELDS = Object.keys(HOST_WIRE_FIELDS) as HostField[];

/** The CMDB `fields` of a host list reading `fields` (everything when not given). */
export function wireHostFields(fields: readonly HostField[] | undefined): string[] {
  const wire = new Set<string>(['bk_host_id']);
  for (const f of fields ?? ALL_HOST_FIELDS) wire.add(HOST_WIRE_FIELDS[f]);
  return [...wire];
}
