import type { ControlRoute } from '../../types';
import { SbRawReply } from '../../types';
import { readCounts } from '../control-input';
import type { HostRun, JobRun, StepRun } from './engine';
import { isFinished } from './engine';
import type { JobState } from './state';

/**
 * `/_sandbox/job/*`: what JOB itself knows, for tests to compare bk-graph's answers with, and a
 * way to lose callbacks.
 *   POST /_sandbox/job/callbacks {"dropNext": n}  the next n final-state callbacks are not sent
 *        at all (neither JSON nor the form retry); `{}` clears; GET shows the setting
 *   GET  /_sandbox/job/instances/{id}             an instance as JOB records it: id, status,
 *        operator, callback_url and what became of the callback, steps with per-host statuses
 *   GET  /_sandbox/job/executions                 {execute_job_plan, fast_execute_script,
 *        instances: [ids]} started since the last /_sandbox/reset
 */

const MAX_DROP = 1000;

function hostView(h: HostRun): Record<string, unknown> {
  return {
    bk_host_id: h.host.bk_host_id,
    bk_cloud_id: h.host.bk_cloud_id,
    ip: h.host.ip,
    status: h.status,
    exit_code: h.exitCode,
    error_code: h.errorCode,
  };
}

function stepView(s: StepRun): Record<string, unknown> {
  return {
    step_instance_id: s.id,
    name: s.name,
    type: s.type,
    status: s.status,
    ...(s.script ? { script_id: s.script.scriptId, script_version_id: s.script.versionId } : {}),
    hosts: s.hosts.map(hostView),
  };
}

function instanceView(job: JobRun): Record<string, unknown> {
  return {
    job_instance_id: job.id,
    bk_biz_id: job.bizId,
    name: job.name,
    status: job.status,
    finished: isFinished(job.status),
    operator: job.operator,
    callback_url: job.callbackUrl ?? null,
    // state: pending | dropped | delivered | failed; one attempt per POST made, in order.
    callback: job.callback
      ? {
          state: job.callback.state,
          attempts: job.callback.attempts.map((a) => ({ content_type: a.contentType, status: a.status })),
        }
      : null,
    create_time: job.createTime,
    end_time: job.endTime ?? null,
    steps: job.steps.map(stepView),
  };
}

export function jobControlRoutes(state: JobState): ControlRoute[] {
  return [
    {
      method: 'POST',
      path: '/job/callbacks',
      handler(_params, body) {
        const { dropNext } = readCounts(body, { dropNext: MAX_DROP });
        state.callbackLoss.dropNext = dropNext;
        return new SbRawReply(200, { ...state.callbackLoss });
      },
    },
    {
      method: 'GET',
      path: '/job/callbacks',
      handler: () => new SbRawReply(200, { ...state.callbackLoss }),
    },
    {
      method: 'GET',
      path: '/job/instances/{id}',
      handler(params) {
        const raw = params.id ?? '';
        const job = /^\d+$/.test(raw) ? state.engine().job(Number(raw)) : undefined;
        if (!job) return new SbRawReply(404, { error: `no job instance ${raw}` });
        return new SbRawReply(200, instanceView(job));
      },
    },
    {
      method: 'GET',
      path: '/job/executions',
      handler: () => new SbRawReply(200, state.executions()),
    },
  ];
}
