/** CMDB's wire shapes (CONTRACTS.md §3): only the fields bk-graph reads; every field may be absent. */

export interface WireList<T> {
  count: number;
  info: T[];
}

export interface WireBusiness {
  bk_biz_id: number;
  bk_biz_name?: string;
  bk_biz_maintainer?: string | null;
  bk_biz_productor?: string | null;
  bk_biz_developer?: string | null;
  bk_biz_tester?: string | null;
  time_zone?: string | null;
  language?: string | null;
  default?: number;
}

export interface WireSet {
  bk_set_id: number;
  bk_set_name?: string;
  bk_biz_id?: number;
  default?: number;
  bk_set_env?: string | null;
  bk_service_status?: string | null;
}

export interface WireModule {
  bk_module_id: number;
  bk_module_name?: string;
  bk_set_id?: number;
  bk_biz_id?: number;
  default?: number;
}

export interface WireHost {
  bk_host_id: number;
  bk_host_innerip?: string | null;
  bk_host_innerip_v6?: string | null;
  bk_host_outerip?: string | null;
  bk_host_name?: string | null;
  bk_os_type?: string | null;
  bk_os_name?: string | null;
  bk_cloud_id?: number | null;
  bk_agent_id?: string | null;
}

export interface WireHostTopo {
  host: WireHost;
  topo?: {
    bk_set_id: number;
    bk_set_name?: string;
    module?: { bk_module_id: number; bk_module_name?: string }[];
  }[];
}

export interface WireRelationPage {
  count: number;
  data: { bk_biz_id: number; bk_set_id: number; bk_module_id: number; bk_host_id: number }[];
}

export interface WireTopoNode {
  bk_inst_id: number;
  bk_inst_name?: string;
  bk_obj_id: string;
  default?: number;
  child?: WireTopoNode[];
}

export interface WireWatch {
  bk_watched: boolean;
  bk_events: { bk_cursor: string; bk_resource: string; bk_event_type: string; bk_detail: unknown }[] | null;
}

/** CMDB's querybuilder rule grammar (`biz_property_filter`, `host_property_filter`, `filter`). */
export type WireRule =
  { field: string; operator: string; value: unknown } | { condition: 'AND' | 'OR'; rules: WireRule[] };

export interface WireFilter {
  condition: 'AND' | 'OR';
  rules: WireRule[];
}
