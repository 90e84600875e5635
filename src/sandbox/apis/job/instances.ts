import type { SandboxContext, SbRequest } from '../../types';
import { SbBizError } from '../../types';
import type { HostRun, JobRun, StepRun } from './engine';
import { isFinished } from './engine';
import { fileLogs, scriptLog } from './logs';
import type { Scope } from './params';
import {
  field,
  flag,
  JobAction,
  JobCode,
  missingOrInvalid,
  optionalInt,
  optionalString,
  parseScope,
  requiredInt,
} from './params';
import type { JobState } from './state';

/** get_job_instance_status and the two log APIs (CONTRACTS.md §4.3, §4.4). */

export const MAX_LOG_HOSTS = 500;

function jobOf(state: JobState, scope: Scope, req: SbRequest): JobRun {
  const job = state.engine().job(requiredInt(req, 'job_instance_id'));
  if (!job || job.bizId !== scope.bizId)
    throw new SbBizError(JobCode.JOB_NOT_FOUND, 'Task instance does not exist');
  return job;
}

function stepOf(job: JobRun, req: SbRequest): StepRun {
  const id = requiredInt(req, 'step_instance_id');
  const step = job.steps.find((s) => s.id === id);
  if (!step) throw new SbBizError(JobCode.STEP_NOT_FOUND, 'Step instance does not exist');
  return step;
}

/** start/end/total times, present only once known (JOB omits nulls). */
function times(start?: number, end?: number): Record<string, number> {
  const t: Record<string, number> = {};
  if (start !== undefined) t.start_time = start;
  if (end !== undefined) t.end_time = end;
  if (start !== undefined && end !== undefined) t.total_time = end - start;
  return t;
}

function hostResult(h: HostRun): Record<string, unknown> {
  return {
    bk_host_id: h.host.bk_host_id,
    ip: h.host.ip,
    bk_cloud_id: h.host.bk_cloud_id,
    status: h.status,
    tag: '',
    exit_code: h.exitCode,
    error_code: h.errorCode,
    ...times(h.startTime, h.endTime),
  };
}

export function getJobInstanceStatus(ctx: SandboxContext, state: JobState, req: SbRequest): unknown {
  const scope = parseScope(ctx, req);
  ctx.assertBizAccess(req, scope.bizId, JobAction.viewHistory, 'bk_job');
  const job = jobOf(state, scope, req);
  const withHosts = flag(req, 'return_ip_result');
  return {
    finished: isFinished(job.status),
    job_instance: {
      job_instance_id: job.id,
      bk_scope_type: scope.scopeType,
      bk_scope_id: scope.scopeId,
      name: job.name,
      status: job.status,
      create_time: job.createTime,
      ...times(job.startTime, job.endTime),
    },
    step_instance_list: job.steps.map((s) => ({
      step_instance_id: s.id,
      type: s.type,
      name: s.name,
      status: s.status,
      create_time: s.createTime,
      ...times(s.startTime, s.endTime),
      execute_count: 0,
      ...(withHosts ? { step_ip_result_list: s.hosts.map(hostResult) } : {}),
    })),
  };
}

function logRow(step: StepRun, run: HostRun): Record<string, unknown> {
  const base = { bk_host_id: run.host.bk_host_id, bk_cloud_id: run.host.bk_cloud_id, ip: run.host.ip };
  return step.type === 2
    ? { ...base, file_logs: fileLogs(step, run) }
    : { ...base, log_content: scriptLog(step, run) };
}

export function batchGetJobInstanceIpLog(ctx: SandboxContext, state: JobState, req: SbRequest): unknown {
  const scope = parseScope(ctx, req);
  ctx.assertBizAccess(req, scope.bizId, JobAction.viewHistory, 'bk_job');
  const hostIds = field(req, 'host_id_list');
  const ipList = field(req, 'ip_list');
  const useIds = Array.isArray(hostIds) && hostIds.length > 0;
  const asked = useIds ? hostIds : Array.isArray(ipList) ? ipList : [];
  if (asked.length === 0 || asked.length > MAX_LOG_HOSTS) throw missingOrInvalid('host_id_list/ip_list');
  const job = jobOf(state, scope, req);
  const step = stepOf(job, req);

  // Logs stay readable after hosts move: match the step's own host list, not CMDB.
  const wanted = (run: HostRun) =>
    useIds
      ? asked.some((id) => Number(id) === run.host.bk_host_id)
      : asked.some((r: unknown) => {
          const ref = (r ?? {}) as Record<string, unknown>;
          return Number(ref.bk_cloud_id ?? 0) === run.host.bk_cloud_id && ref.ip === run.host.ip;
        });
  const rows = step.hosts.filter(wanted).map((run) => logRow(step, run));
  const logType = step.type === 2 ? 2 : 1;
  return {
    job_instance_id: job.id,
    step_instance_id: step.id,
    log_type: logType,
    ...(logType === 2 ? { file_task_logs: rows } : { script_task_logs: rows }),
  };
}

export function getJobInstanceIpLog(ctx: SandboxContext, state: JobState, req: SbRequest): unknown {
  const scope = parseScope(ctx, req);
  ctx.assertBizAccess(req, scope.bizId, JobAction.viewHistory, 'bk_job');
  const job = jobOf(state, scope, req);
  const step = stepOf(job, req);
  const hostId = optionalInt(req, 'host_id');
  const cloud = optionalInt(req, 'bk_cloud_id') ?? 0;
  const ip = optionalString(req, 'ip');
  if (hostId === undefined && ip === undefined) throw missingOrInvalid('host_id/ip');
  const run = step.hosts.find((h) =>
    hostId !== undefined ? h.host.bk_host_id === hostId : h.host.bk_cloud_id === cloud && h.host.ip === ip,
  );
  const logType = step.type === 2 ? 2 : 1;
  if (!run) {
    // Not a target of this step: nothing was logged for it.
    const base = { bk_host_id: hostId ?? 0, bk_cloud_id: cloud, ip: ip ?? '', log_type: logType };
    return logType === 2 ? { ...base, file_logs: [] } : { ...base, log_content: '' };
  }
  const row = logRow(step, run);
  if (Array.isArray(row.file_logs)) {
    // The single-host doc example (job.get_job_instance_ip_log.file.json) has no transfer
    // statistics; only the batch API shows size/speed/process.
    row.file_logs = (row.file_logs as Record<string, unknown>[]).map(
      ({ size: _size, speed: _speed, process: _process, ...rest }) => rest,
    );
  }
  return { log_type: logType, ...row };
}
