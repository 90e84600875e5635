import type { SandboxContext, SbHost } from '../../types';
import type { CallbackAttempt } from './callback';
import { callbackBody, deliverCallback } from './callback';

/**
 * Job instances and how they progress. A job runs its steps in order; each step is BLANK(1) until
 * its turn, RUNNING(2) (manual steps: WAITING_USER(7)) for `options.jobMs`, then SUCCESS(3) or
 * FAIL(4). A failed step fails the job and the later steps never start. Outcomes are
 * deterministic: a script that exits non-zero fails on every host; a host whose agent is missing
 * or not alive fails (its status is read when the step starts).
 * On the final state the job POSTs `callback_url` (JSON, then once more with the form content
 * type; §4.6 and job/callback.ts), unless `/_sandbox/job/callbacks` said to lose it.
 */

export const RunStatus = { BLANK: 1, RUNNING: 2, SUCCESS: 3, FAIL: 4, WAITING_USER: 7 } as const;
/** Per-host statuses (ExecuteObjectTaskStatusEnum). */
export const HostStatus = { WAITING: 5, RUNNING: 7, SUCCESS: 9, FAILED: 11 } as const;
const FINISHED = new Set<number>([3, 4, 5, 6, 8, 9, 11, 13, 14]);

export interface TargetHost {
  bk_host_id: number;
  bk_cloud_id: number;
  /** First inner IPv4 ('' for IPv6-only hosts). */
  ip: string;
  agentId: string;
}

export interface HostRun {
  host: TargetHost;
  status: number;
  exitCode: number;
  errorCode: number;
  startTime?: number;
  endTime?: number;
  /** Why it failed, for the log. */
  failure?: 'script' | 'agent';
}

export interface StepRun {
  id: number;
  name: string;
  type: 1 | 2 | 3;
  status: number;
  createTime: number;
  startTime?: number;
  endTime?: number;
  /** Script steps: the decoded script. */
  scriptText?: string;
  /** Script steps run from a stored script (fast_execute_script by script_id/script_version_id). */
  script?: { scriptId: string; versionId: number };
  /** File steps: source paths and destination directory. */
  file?: { sources: string[]; destPath: string };
  hosts: HostRun[];
}

export interface JobRun {
  id: number;
  bizId: number;
  name: string;
  status: number;
  createTime: number;
  startTime?: number;
  endTime?: number;
  operator: string;
  callbackUrl?: string;
  /** What became of the final-state callback (absent without callback_url). */
  callback?: { state: 'pending' | 'dropped' | 'delivered' | 'failed'; attempts: CallbackAttempt[] };
  steps: StepRun[];
}

export type StepSpec = Pick<StepRun, 'name' | 'type' | 'scriptText' | 'script' | 'file'>;

/** `POST /_sandbox/job/callbacks`: how many of the next final-state callbacks to lose. */
export interface CallbackLoss {
  dropNext: number;
}

export function toTarget(host: SbHost): TargetHost {
  const ip = host.bk_host_innerip.split(',')[0]?.trim() ?? '';
  return { bk_host_id: host.bk_host_id, bk_cloud_id: host.bk_cloud_id, ip, agentId: host.bk_agent_id };
}

export function isFinished(status: number): boolean {
  return FINISHED.has(status);
}

/** `exit N` with N ≠ 0 anywhere in the script makes the step fail on every host. */
function scriptFails(text: string | undefined): boolean {
  return text !== undefined && /(^|[\s;&|])exit\s+0*[1-9]\d*\b/.test(text);
}

export class JobEngine {
  private readonly jobs = new Map<number, JobRun>();
  private nextJobId: number;
  private nextStepId: number;

  constructor(
    private readonly ctx: SandboxContext,
    firstJobId: number,
    private readonly loss: CallbackLoss,
  ) {
    this.nextJobId = firstJobId;
    this.nextStepId = firstJobId * 10;
  }

  job(id: number): JobRun | undefined {
    return this.jobs.get(id);
  }

  start(input: {
    bizId: number;
    name: string;
    operator: string;
    callbackUrl?: string;
    hosts: TargetHost[];
    steps: StepSpec[];
  }): JobRun {
    const now = this.ctx.now();
    const job: JobRun = {
      id: this.nextJobId++,
      bizId: input.bizId,
      name: input.name,
      status: RunStatus.RUNNING,
      createTime: now,
      startTime: now,
      operator: input.operator,
      callbackUrl: input.callbackUrl,
      ...(input.callbackUrl ? { callback: { state: 'pending' as const, attempts: [] } } : {}),
      steps: input.steps.map((s) => ({
        ...s,
        id: this.nextStepId++,
        status: RunStatus.BLANK,
        createTime: now,
        hosts:
          s.type === 3
            ? []
            : input.hosts.map((host) => ({ host, status: HostStatus.WAITING, exitCode: 0, errorCode: 0 })),
      })),
    };
    this.jobs.set(job.id, job);
    this.runStep(job, 0);
    return job;
  }

  private runStep(job: JobRun, index: number): void {
    const step = job.steps[index];
    if (!step) {
      this.finish(job, RunStatus.SUCCESS);
      return;
    }
    const now = this.ctx.now();
    step.startTime = now;
    step.status = step.type === 3 ? RunStatus.WAITING_USER : RunStatus.RUNNING;
    const failsByScript = step.type === 1 && scriptFails(step.scriptText);
    for (const h of step.hosts) {
      h.startTime = now;
      h.status = HostStatus.RUNNING;
      h.errorCode = 115;
      const agent = this.ctx.data.agents.get(h.host.agentId);
      if (!agent || agent.alive !== 1) h.failure = 'agent';
      else if (failsByScript) h.failure = 'script';
    }
    this.ctx.schedule(() => this.endStep(job, index), this.ctx.options.jobMs);
  }

  private endStep(job: JobRun, index: number): void {
    const step = job.steps[index];
    if (!step) return;
    const now = this.ctx.now();
    for (const h of step.hosts) {
      h.endTime = now;
      h.status = h.failure ? HostStatus.FAILED : HostStatus.SUCCESS;
      h.exitCode = h.failure === 'script' ? 1 : 0;
      h.errorCode = h.failure === 'agent' ? -1 : 0;
    }
    step.endTime = now;
    const failed = step.hosts.some((h) => h.failure);
    step.status = failed ? RunStatus.FAIL : RunStatus.SUCCESS;
    if (failed) this.finish(job, RunStatus.FAIL);
    else this.runStep(job, index + 1);
  }

  private finish(job: JobRun, status: number): void {
    job.status = status;
    job.endTime = this.ctx.now();
    const { callbackUrl, callback } = job;
    if (!callbackUrl || !callback) return;
    if (this.loss.dropNext > 0) {
      // Lost on the way: neither the JSON call nor the form retry is made.
      this.loss.dropNext--;
      callback.state = 'dropped';
      return;
    }
    const body = callbackBody(
      job.id,
      job.status,
      job.steps.map((s) => ({ id: s.id, status: s.status })),
    );
    void deliverCallback(callbackUrl, body).then((attempts) => {
      callback.attempts = attempts;
      callback.state = attempts.some((a) => a.status === 200) ? 'delivered' : 'failed';
    });
  }
}
