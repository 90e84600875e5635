import type {
  JobFileLog,
  JobHostLog,
  JobHostResult,
  JobHostStatus,
  JobInstance,
  JobLaunch,
  JobPlan,
  JobPlanDetail,
  JobScript,
  JobScriptLanguage,
  JobStatus,
  JobStepType,
  JobVariableType,
} from '../domain';
import { dateFromMillis, idOf, idOrNull, numberOrNull, textOrNull } from '../mapping';
import type {
  WireBatchLogs,
  WireFileLog,
  WireHostLog,
  WireHostResult,
  WireIpRef,
  WireJobLaunch,
  WireJobPlan,
  WireJobPlanDetail,
  WireJobStatus,
  WireScript,
} from './wire';

/** JOB `RunStatusEnum` (CONTRACTS.md §4.3); 12 is documented for steps but absent from the enum. */
const jobStatusByCode: Record<number, JobStatus> = {
  1: 'BLANK',
  2: 'RUNNING',
  3: 'SUCCESS',
  4: 'FAIL',
  5: 'SKIPPED',
  6: 'IGNORE_ERROR',
  7: 'WAITING_USER',
  8: 'TERMINATED',
  9: 'ABNORMAL_STATE',
  10: 'STOPPING',
  11: 'STOP_SUCCESS',
  12: 'STOP_FAILED',
  13: 'CONFIRM_TERMINATED',
  14: 'ABANDONED',
  15: 'ROLLING_WAITING',
};

export const jobStatusName = (code: number): JobStatus => jobStatusByCode[code] ?? 'UNKNOWN';

/** The inverse, for the callback route: JOB posts numeric statuses. */
export function jobStatusCode(name: JobStatus): number | null {
  const hit = Object.entries(jobStatusByCode).find(([, n]) => n === name);
  return hit ? Number(hit[0]) : null;
}

const stepTypeByCode: Record<number, JobStepType> = { 1: 'SCRIPT', 2: 'FILE', 3: 'MANUAL', 4: 'SQL' };
export const stepTypeName = (code: number | undefined): JobStepType => stepTypeByCode[code ?? 0] ?? 'UNKNOWN';

const variableTypeByCode: Record<number, JobVariableType> = {
  1: 'STRING',
  2: 'NAMESPACE',
  3: 'HOST_LIST',
  4: 'PASSWORD',
  5: 'ARRAY',
};

/** `ExecuteObjectTaskStatusEnum` (CONTRACTS.md §4.3) folded into the states a user acts on. */
export function hostStatusName(code: number): JobHostStatus {
  switch (code) {
    case 3: // succeeded in a previous run of the step
    case 9:
      return 'SUCCESS';
    case 5:
      return 'WAITING';
    case 7:
      return 'RUNNING';
    case 13:
    case 16:
    case 17:
    case 102:
    case 303:
      return 'TIMEOUT';
    case 103:
    case 403:
      return 'TERMINATED';
    case 1:
    case 18:
    case 310:
      return 'AGENT_ERROR';
    case 500:
      return 'UNKNOWN';
    default:
      // Every other documented code (0, 2, 11, 12, 15, 101, 104, 2xx, 3xx, 399, 404) is a failure.
      return code >= 0 && code <= 500 ? 'FAILED' : 'UNKNOWN';
  }
}

/** Statuses whose job or step will not change any more (JOB `FINISHED_STATUS_SET`). */
export const FINISHED_JOB_STATUSES: ReadonlySet<number> = new Set([3, 4, 5, 6, 8, 9, 11, 13, 14]);

export function toJobPlan(w: WireJobPlan): JobPlan {
  return {
    id: idOf(w.id),
    businessId: idOf(w.bk_scope_id),
    templateId: idOrNull(w.job_template_id),
    name: w.name ?? '',
    creator: textOrNull(w.creator),
    createdAt: dateFromMillis(w.create_time),
    updatedBy: textOrNull(w.last_modify_user),
    updatedAt: dateFromMillis(w.last_modify_time),
    needUpdate: w.need_update === true,
  };
}

export function toJobPlanDetail(w: WireJobPlanDetail): JobPlanDetail {
  return {
    id: idOf(w.job_plan_id),
    businessId: idOf(w.bk_scope_id),
    name: w.name ?? '',
    creator: textOrNull(w.creator),
    createdAt: dateFromMillis(w.create_time),
    updatedBy: textOrNull(w.last_modify_user),
    updatedAt: dateFromMillis(w.last_modify_time),
    variables: (w.global_var_list ?? []).map((v) => {
      const type = variableTypeByCode[v.type ?? 0] ?? 'UNKNOWN';
      const hostIds = [
        ...(v.server?.host_id_list ?? []).map(idOf),
        ...(v.server?.ip_list ?? []).flatMap((ip) =>
          ip.bk_host_id === undefined ? [] : [idOf(ip.bk_host_id)],
        ),
      ];
      return {
        id: idOf(v.id),
        name: v.name ?? '',
        type,
        description: textOrNull(v.description),
        required: v.required === 1 || v.required === true,
        // A password variable's default must never travel further than this edge.
        value: type === 'PASSWORD' ? null : (v.value ?? null),
        hostIds: [...new Set(hostIds)],
      };
    }),
    steps: (w.step_list ?? []).map((s) => ({
      id: idOf(s.id),
      name: s.name ?? '',
      type: stepTypeName(s.type),
    })),
  };
}

export function toJobLaunch(w: WireJobLaunch): JobLaunch {
  return {
    jobInstanceId: idOf(w.job_instance_id),
    name: w.job_instance_name ?? '',
    stepInstanceId: idOrNull(w.step_instance_id),
  };
}

export function toHostResult(w: WireHostResult): JobHostResult {
  return {
    hostId: idOrNull(w.bk_host_id),
    ip: textOrNull(w.ip),
    cloudId: numberOrNull(w.bk_cloud_id),
    status: hostStatusName(w.status),
    statusCode: w.status,
    exitCode: numberOrNull(w.exit_code),
  };
}

export function toJobInstance(w: WireJobStatus, businessId?: string): JobInstance {
  const j = w.job_instance;
  return {
    id: idOf(j.job_instance_id),
    businessId: j.bk_scope_id ?? businessId ?? '',
    name: j.name ?? '',
    status: jobStatusName(j.status),
    statusCode: j.status,
    finished: w.finished,
    createdAt: dateFromMillis(j.create_time),
    startedAt: dateFromMillis(j.start_time),
    endedAt: dateFromMillis(j.end_time),
    steps: (w.step_instance_list ?? []).map((s) => ({
      id: idOf(s.step_instance_id),
      name: s.name ?? '',
      type: stepTypeName(s.type),
      status: jobStatusName(s.status),
      statusCode: s.status,
      createdAt: dateFromMillis(s.create_time),
      startedAt: dateFromMillis(s.start_time),
      endedAt: dateFromMillis(s.end_time),
      hosts: (s.step_ip_result_list ?? []).map(toHostResult),
    })),
  };
}

const refHostId = (r: WireIpRef | null | undefined) => idOrNull(r?.bk_host_id ?? r?.host_id);

function toFileLog(w: WireFileLog): JobFileLog {
  return {
    mode: w.mode === 0 ? 'UPLOAD' : 'DOWNLOAD',
    srcHostId: refHostId(w.src_ip),
    srcIp: textOrNull(w.src_ip?.ip),
    srcPath: textOrNull(w.src_path),
    destHostId: refHostId(w.dest_ip),
    destIp: textOrNull(w.dest_ip?.ip),
    destPath: textOrNull(w.dest_path),
    statusCode: w.status ?? 0,
    content: w.log_content ?? '',
  };
}

export function toHostLog(w: WireHostLog, logType?: number): JobHostLog {
  const type = (logType ?? w.log_type) === 2 ? 'FILE' : 'SCRIPT';
  return {
    hostId: idOrNull(w.bk_host_id),
    ip: textOrNull(w.ip),
    cloudId: numberOrNull(w.bk_cloud_id),
    logType: type,
    content: type === 'SCRIPT' ? (w.log_content ?? '') : null,
    fileLogs: (w.file_logs ?? []).map(toFileLog),
  };
}

export function toBatchLogs(w: WireBatchLogs): JobHostLog[] {
  const rows = w.log_type === 2 ? (w.file_task_logs ?? []) : (w.script_task_logs ?? []);
  return rows.map((r) => toHostLog(r, w.log_type));
}

/** JOB `ScriptTypeEnum` (CONTRACTS.md §4.8). */
const scriptLanguageByCode: Record<number, JobScriptLanguage> = {
  1: 'SHELL',
  2: 'BAT',
  3: 'PERL',
  4: 'PYTHON',
  5: 'POWERSHELL',
  6: 'SQL',
};

export const scriptLanguageName = (code: number | undefined): JobScriptLanguage =>
  scriptLanguageByCode[code ?? 0] ?? 'UNKNOWN';

/** The inverse, for get_script_list's `script_language` filter. */
export function scriptLanguageCode(name: JobScriptLanguage): number | null {
  const hit = Object.entries(scriptLanguageByCode).find(([, n]) => n === name);
  return hit ? Number(hit[0]) : null;
}

export function toJobScript(w: WireScript, businessId: string): JobScript {
  return {
    id: idOf(w.id),
    businessId: w.bk_scope_id ?? businessId,
    name: w.name ?? '',
    language: scriptLanguageName(w.script_language),
    languageCode: w.script_language ?? 0,
    onlineVersionId: idOrNull(w.online_script_version_id),
    creator: textOrNull(w.creator),
    createdAt: dateFromMillis(w.create_time),
    updatedBy: textOrNull(w.last_modify_user),
    updatedAt: dateFromMillis(w.last_modify_time),
  };
}
