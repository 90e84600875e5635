/**
 * Domain shapes the upstream clients return. Nothing above `src/upstream/` sees BlueKing's wire
 * format: ids are strings, times are `Date`s, comma-joined lists are arrays, codes are names.
 */

/** A `{count, items}` page of a CMDB list API; `count` is the total matching, not the page size. */
export interface Page<T> {
  count: number;
  items: T[];
}

// ---- CMDB ----

export interface Business {
  id: string;
  name: string;
  maintainers: string[];
  productors: string[];
  developers: string[];
  testers: string[];
  timeZone: string | null;
  /** `zh-cn` / `en` (CMDB stores '1' / '2'); any other value is passed through. */
  language: string | null;
  /** CMDB's resource-pool business (`default: 1`). */
  isResourcePool: boolean;
}

export interface BkSet {
  id: string;
  name: string;
  businessId: string;
  /** The built-in idle set (`default: 1`). */
  isBuiltIn: boolean;
  /** '1' test, '2' experience, '3' production, as CMDB stores it. */
  env: string | null;
  /** '1' open, '2' closed, as CMDB stores it. */
  serviceStatus: string | null;
}

export type ModuleKind = 'NORMAL' | 'IDLE' | 'FAULT' | 'RECYCLE';

export interface BkModule {
  id: string;
  name: string;
  setId: string;
  businessId: string;
  kind: ModuleKind;
}

export type OsType = 'LINUX' | 'WINDOWS' | 'AIX';

export interface Host {
  id: string;
  /** The first inner IPv4 ('' when the host has none, e.g. IPv6-only). */
  innerIp: string;
  innerIps: string[];
  innerIpv6: string | null;
  outerIp: string | null;
  name: string | null;
  /** LINUX / WINDOWS / AIX, another CMDB value as is, or null when CMDB has none. */
  osType: OsType | string | null;
  osName: string | null;
  cloudId: number;
  /** GSE 2.0 agent id (CMDB `bk_agent_id`), null when the host has none. */
  agentId: string | null;
}

/** The host fields a host list can be asked for (each maps to CMDB fields in src/upstream/cmdb). */
export type HostField =
  'id' | 'innerIp' | 'innerIpv6' | 'outerIp' | 'name' | 'osType' | 'osName' | 'cloudId' | 'agentId';

export interface HostTopo {
  host: Host;
  sets: { id: string; name: string }[];
  modules: { id: string; name: string; setId: string }[];
}

/** One host-module membership (find_host_topo_relation answers one row per pair). */
export interface HostRelation {
  hostId: string;
  businessId: string;
  setId: string;
  moduleId: string;
}

export interface TopoNode {
  /** `biz`, `set`, `module` or a custom mainline object id. */
  objectId: string;
  instanceId: string;
  name: string;
  isBuiltIn: boolean;
  children: TopoNode[];
}

export type WatchResource = 'host' | 'host_relation' | 'biz' | 'set' | 'module' | (string & {});
export type WatchEventType = 'create' | 'update' | 'delete';

export interface WatchEvent {
  cursor: string;
  resource: string;
  type: WatchEventType;
  /** The watched object projected to the requested fields (BlueKing field names, as sent). */
  detail: Record<string, unknown> | null;
}

export interface WatchResult {
  /** False when the long poll ended with no event (then `events` is empty). */
  watched: boolean;
  events: WatchEvent[];
  /** Where the next watch continues: the last event's cursor, or the cursor CMDB handed back. */
  nextCursor: string;
}

// ---- GSE ----

export type AgentStatus = 'RUNNING' | 'NOT_RUNNING' | 'NOT_INSTALLED' | 'UNKNOWN';

export interface AgentState {
  /** How GSE was asked: the agent id (2.0) or `cloud:ip` (1.0, and 2.0 hosts without an agent id). */
  key: string;
  agentId?: string;
  cloudId: number;
  ip?: string;
  status: AgentStatus;
  alive: boolean;
  version?: string;
}

// ---- JOB ----

/** JOB `RunStatusEnum` (CONTRACTS.md §4.3) by name; codes JOB adds later become UNKNOWN. */
export type JobStatus =
  | 'BLANK'
  | 'RUNNING'
  | 'SUCCESS'
  | 'FAIL'
  | 'SKIPPED'
  | 'IGNORE_ERROR'
  | 'WAITING_USER'
  | 'TERMINATED'
  | 'ABNORMAL_STATE'
  | 'STOPPING'
  | 'STOP_SUCCESS'
  | 'STOP_FAILED'
  | 'CONFIRM_TERMINATED'
  | 'ABANDONED'
  | 'ROLLING_WAITING'
  | 'UNKNOWN';

export type JobStepType = 'SCRIPT' | 'FILE' | 'MANUAL' | 'SQL' | 'UNKNOWN';

/** JOB's per-host task status (`ExecuteObjectTaskStatusEnum`), folded into what a user acts on. */
export type JobHostStatus =
  'SUCCESS' | 'FAILED' | 'RUNNING' | 'WAITING' | 'TIMEOUT' | 'TERMINATED' | 'AGENT_ERROR' | 'UNKNOWN';

export interface JobPlan {
  id: string;
  businessId: string;
  templateId: string | null;
  name: string;
  creator: string | null;
  createdAt: Date | null;
  updatedBy: string | null;
  updatedAt: Date | null;
  needUpdate: boolean;
}

export type JobVariableType = 'STRING' | 'NAMESPACE' | 'HOST_LIST' | 'PASSWORD' | 'ARRAY' | 'UNKNOWN';

export interface JobPlanVariable {
  id: string;
  name: string;
  type: JobVariableType;
  description: string | null;
  required: boolean;
  /** Never the value of a PASSWORD variable. */
  value: string | null;
  hostIds: string[];
}

export interface JobPlanStep {
  id: string;
  name: string;
  type: JobStepType;
}

export interface JobPlanDetail extends Omit<JobPlan, 'templateId' | 'needUpdate'> {
  variables: JobPlanVariable[];
  steps: JobPlanStep[];
}

export interface JobLaunch {
  jobInstanceId: string;
  name: string;
  /** fast_execute_script only. */
  stepInstanceId: string | null;
}

export interface JobHostResult {
  hostId: string | null;
  ip: string | null;
  cloudId: number | null;
  status: JobHostStatus;
  statusCode: number;
  exitCode: number | null;
}

export interface JobStep {
  id: string;
  name: string;
  type: JobStepType;
  status: JobStatus;
  statusCode: number;
  createdAt: Date | null;
  startedAt: Date | null;
  endedAt: Date | null;
  hosts: JobHostResult[];
}

export interface JobInstance {
  id: string;
  businessId: string;
  name: string;
  status: JobStatus;
  statusCode: number;
  finished: boolean;
  createdAt: Date | null;
  startedAt: Date | null;
  endedAt: Date | null;
  steps: JobStep[];
}

export interface JobFileLog {
  mode: 'UPLOAD' | 'DOWNLOAD';
  srcHostId: string | null;
  srcIp: string | null;
  srcPath: string | null;
  destHostId: string | null;
  destIp: string | null;
  destPath: string | null;
  /** 1 waiting, 2 uploading, 3 downloading, 4 success, 5 failed (JOB's codes). */
  statusCode: number;
  content: string;
}

export interface JobHostLog {
  hostId: string | null;
  ip: string | null;
  cloudId: number | null;
  logType: 'SCRIPT' | 'FILE';
  /** Script output (SCRIPT steps); null for FILE steps. */
  content: string | null;
  fileLogs: JobFileLog[];
}

/** JOB's script languages (`ScriptTypeEnum`, CONTRACTS.md §4.8); codes JOB adds later become UNKNOWN. */
export type JobScriptLanguage = 'SHELL' | 'BAT' | 'PERL' | 'PYTHON' | 'POWERSHELL' | 'SQL' | 'UNKNOWN';

/** A business script (业务脚本) as get_script_list lists it. */
export interface JobScript {
  /** 32 hex characters. */
  id: string;
  businessId: string;
  name: string;
  language: JobScriptLanguage;
  /** JOB's script_language code as answered. */
  languageCode: number;
  /** The version `fast_execute_script` with this script's id runs; null when none is online. */
  onlineVersionId: string | null;
  creator: string | null;
  createdAt: Date | null;
  updatedBy: string | null;
  updatedAt: Date | null;
}

// ---- ITSM ----

/** Built-in ticket statuses; services may define others, which pass through as strings. */
export type TicketStatusValue =
  | 'NEW'
  | 'RUNNING'
  | 'RESOLVED'
  | 'CONFIRMED'
  | 'SUSPENDED'
  | 'FINISHED'
  | 'TERMINATED'
  | 'REVOKED'
  | (string & {});

export interface Ticket {
  sn: string;
  title: string;
  status: TicketStatusValue;
  /** Only ticket_approval_result reports it; null when the answer did not say. */
  approveResult: boolean | null;
  url: string | null;
  createdBy: string | null;
  createdAt: Date | null;
  updatedBy: string | null;
  updatedAt: Date | null;
}

export interface TicketDetail extends Ticket {
  id: string;
  serviceId: string | null;
  endedAt: Date | null;
  fields: { key: string; name: string; value: unknown; displayValue: string | null }[];
}

export interface TicketOperation {
  key: string;
  name: string;
  canOperate: boolean;
}

export interface TicketStatus {
  sn: string;
  status: TicketStatusValue;
  url: string | null;
  steps: {
    name: string;
    stateId: string;
    status: string;
    processors: string[];
    operations: TicketOperation[];
  }[];
  operations: TicketOperation[];
}

export interface CreatedTicket {
  sn: string;
  id: string;
  url: string | null;
}

export interface ItsmService {
  id: string;
  name: string;
  serviceType: string | null;
  description: string | null;
}

export type TicketAction = 'SUSPEND' | 'UNSUSPEND' | 'WITHDRAW' | 'TERMINATE';

// ---- bk-login / PaaS ----

export interface UserInfo {
  username: string;
  displayName: string | null;
  tenantId: string | null;
  language: string | null;
  timeZone: string | null;
}

export interface VerifiedToken {
  username: string;
  tenantId: string | null;
}

export interface AppInfo {
  code: string;
  name: string | null;
  developers: string[];
}
