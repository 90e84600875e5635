/** GSE 1.0 answers an object keyed `"<cloud>:<ip>"` (CONTRACTS.md §6.1). */
export type WireAgentStatusMap = Record<
  string,
  { ip?: string; bk_cloud_id?: number; bk_agent_alive?: number }
>;
export type WireAgentInfoMap = Record<string, { ip?: string; bk_cloud_id?: number; version?: string }>;

/** GSE 2.0 list_agent_state rows (CONTRACTS.md §6.2). */
export interface WireAgentState {
  bk_agent_id: string;
  bk_cloud_id?: number;
  version?: string;
  run_mode?: number;
  status_code?: number;
}
