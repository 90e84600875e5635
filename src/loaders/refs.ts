import type { Business, Host, TopoNode } from '../upstream/domain';

/**
 * What the read graph's resolvers receive as their parent values: the clients' domain shapes plus
 * the few facts a nested field needs to find its data (which business a host or set belongs to).
 */

/** A host's sets and modules, each already knowing its business (so fields hand them out as they are). */
export interface HostTopoRef {
  sets: SetRef[];
  modules: ModuleRef[];
}

export interface HostRef extends Host {
  /** The business the host was found in; null when it is not known yet. */
  businessId: string | null;
  /** Sets and modules, when the call that found the host also returned them (list_biz_hosts_topo). */
  topo?: HostTopoRef;
}

export interface SetRef {
  id: string;
  name: string;
  businessId: string;
}

export interface ModuleRef {
  id: string;
  name: string;
  setId: string;
  businessId: string;
}

export interface TopoNodeRef extends Omit<TopoNode, 'children'> {
  businessId: string;
  children: TopoNodeRef[];
}

export type BusinessRef = Business;

export function topoNodeRef(node: TopoNode, businessId: string): TopoNodeRef {
  return { ...node, businessId, children: node.children.map((c) => topoNodeRef(c, businessId)) };
}
