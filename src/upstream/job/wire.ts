/** JOB v3 wire shapes (CONTRACTS.md §4): only what bk-graph reads. Times are epoch milliseconds. */

export interface WireJobPlan {
  bk_scope_type?: string;
  bk_scope_id?: string;
  id: number;
  job_template_id?: number;
  name?: string;
  creator?: string;
  create_time?: number;
  last_modify_user?: string;
  last_modify_time?: number;
  need_update?: boolean;
}

export interface WireJobPlanList {
  start: number;
  length: number;
  total: number;
  data: WireJobPlan[] | null;
}

export interface WireServer {
  host_id_list?: number[];
  ip_list?: { bk_host_id?: number; bk_cloud_id?: number; ip?: string }[];
}

export interface WireJobPlanDetail {
  bk_scope_id?: string;
  job_plan_id: number;
  name?: string;
  creator?: string;
  create_time?: number;
  last_modify_user?: string;
  last_modify_time?: number;
  global_var_list?: {
    id: number;
    name?: string;
    type?: number;
    description?: string;
    required?: number | boolean;
    value?: string;
    server?: WireServer;
  }[];
  step_list?: { id: number; name?: string; type?: number }[];
}

export interface WireJobLaunch {
  job_instance_id: number;
  job_instance_name?: string;
  step_instance_id?: number;
}

export interface WireHostResult {
  bk_host_id?: number;
  ip?: string;
  bk_cloud_id?: number;
  status: number;
  exit_code?: number;
  error_code?: number;
}

export interface WireJobStatus {
  finished: boolean;
  job_instance: {
    job_instance_id: number;
    bk_scope_id?: string;
    name?: string;
    status: number;
    create_time?: number;
    start_time?: number;
    end_time?: number;
  };
  step_instance_list?: {
    step_instance_id: number;
    type?: number;
    name?: string;
    status: number;
    create_time?: number;
    start_time?: number;
    end_time?: number;
    step_ip_result_list?: WireHostResult[] | null;
  }[];
}

export interface WireIpRef {
  bk_host_id?: number;
  /** One doc example spells it `host_id`. */
  host_id?: number;
  bk_cloud_id?: number;
  ip?: string;
}

export interface WireFileLog {
  mode?: number;
  src_ip?: WireIpRef | null;
  src_path?: string;
  dest_ip?: WireIpRef | null;
  dest_path?: string;
  status?: number;
  log_content?: string;
}

export interface WireHostLog {
  bk_host_id?: number;
  bk_cloud_id?: number;
  ip?: string;
  log_type?: number;
  log_content?: string | null;
  file_logs?: WireFileLog[] | null;
}

export interface WireBatchLogs {
  job_instance_id?: number;
  step_instance_id?: number;
  log_type: number;
  script_task_logs?: WireHostLog[] | null;
  file_task_logs?: WireHostLog[] | null;
}

export interface WireScript {
  /** 32 hex characters. */
  id: string;
  bk_scope_type?: string;
  bk_scope_id?: string;
  name?: string;
  /** 1 shell, 2 bat, 3 perl, 4 python, 5 powershell, 6 sql. */
  script_language?: number;
  online_script_version_id?: number | null;
  creator?: string;
  create_time?: number;
  last_modify_user?: string;
  last_modify_time?: number;
}

export interface WireScriptList {
  start: number;
  length: number;
  total: number;
  data: WireScript[] | null;
}
