import type { SandboxContext, SbHost } from '../../types';
import { SbBizError } from '../../types';
import type { TargetHost } from './engine';
import { toTarget } from './engine';
import type { Scope } from './params';
import { JobCode, missingOrInvalid } from './params';

/**
 * A JOB server object (CONTRACTS.md §4.1) → hosts of the business: the union of `host_id_list`
 * (or, only without it, the discouraged `ip_list`) and the hosts under `topo_node_list` nodes
 * (`{id, node_type: "biz" | "set" | "module"}`). Any host or node outside the business fails the
 * whole call with 1244002. `dynamic_group_list` is accepted and contributes nothing: CMDB in the
 * sandbox has no dynamic groups.
 * Returns null when the object names no hosts at all.
 */

const NODE_TYPES = new Set(['biz', 'set', 'module']);

function list(s: Record<string, unknown>, key: string, name: string): unknown[] {
  const v = s[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw missingOrInvalid(`${name}.${key}`);
  return v;
}

export function resolveServer(
  ctx: SandboxContext,
  scope: Scope,
  server: unknown,
  name: string,
): TargetHost[] | null {
  if (server === undefined || server === null) return null;
  if (typeof server !== 'object' || Array.isArray(server)) throw missingOrInvalid(name);
  const s = server as Record<string, unknown>;
  const hostIds = list(s, 'host_id_list', name);
  const ips = list(s, 'ip_list', name);
  const nodes = list(s, 'topo_node_list', name);
  if (hostIds.length === 0 && ips.length === 0 && nodes.length === 0) return null;

  const relations = ctx.data.relations.filter((r) => r.bk_biz_id === scope.bizId);
  const inBiz = new Set(relations.map((r) => r.bk_host_id));
  const hosts = ctx.data.hosts.filter((h) => inBiz.has(h.bk_host_id));
  const byId = new Map(hosts.map((h) => [h.bk_host_id, h]));
  const bad: string[] = [];
  const chosen: SbHost[] = [];

  if (hostIds.length > 0) {
    for (const raw of hostIds) {
      const h = byId.get(typeof raw === 'number' ? raw : Number(raw));
      if (h) chosen.push(h);
      else bad.push(`host_id:${String(raw)}`);
    }
  } else {
    for (const raw of ips) {
      const ref = (raw ?? {}) as Record<string, unknown>;
      const cloud = Number(ref.bk_cloud_id ?? 0);
      const ip = String(ref.ip ?? '');
      const h = hosts.find(
        (x) => x.bk_cloud_id === cloud && x.bk_host_innerip.split(',').some((p) => p.trim() === ip),
      );
      if (h) chosen.push(h);
      else bad.push(`${cloud}:${ip}`);
    }
  }

  for (const raw of nodes) {
    const node = (raw ?? {}) as Record<string, unknown>;
    const type = node.node_type;
    const id = typeof node.id === 'number' ? node.id : Number(node.id);
    if (typeof type !== 'string' || !NODE_TYPES.has(type) || !Number.isSafeInteger(id)) {
      throw missingOrInvalid(`${name}.topo_node_list`);
    }
    const known =
      type === 'biz'
        ? id === scope.bizId
        : type === 'set'
          ? ctx.data.sets.some((x) => x.bk_set_id === id && x.bk_biz_id === scope.bizId)
          : ctx.data.modules.some((x) => x.bk_module_id === id && x.bk_biz_id === scope.bizId);
    if (!known) {
      bad.push(`${type}:${id}`);
      continue;
    }
    for (const r of relations) {
      const under = type === 'biz' || (type === 'set' ? r.bk_set_id === id : r.bk_module_id === id);
      const h = under ? byId.get(r.bk_host_id) : undefined;
      if (h) chosen.push(h);
    }
  }

  if (bad.length > 0) {
    throw new SbBizError(JobCode.HOSTS_INVALID, `The following hosts are invalid: ${bad.join(',')}`);
  }
  const unique = new Map(chosen.map((h) => [h.bk_host_id, h]));
  return [...unique.values()].map(toTarget);
}
