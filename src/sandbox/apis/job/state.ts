import type { SbJobPlan } from '../../data/job-plans';
import { seedJobPlans } from '../../data/job-plans';
import type { SbScript } from '../../data/job-scripts';
import { seedJobScripts } from '../../data/job-scripts';
import type { SandboxContext } from '../../types';
import type { CallbackLoss } from './engine';
import { JobEngine } from './engine';

/**
 * The JOB module's own world: seeded plans and scripts and running jobs. Built on first use from
 * the current `ctx.data` (so it sees the hosts the core seeded) and dropped on a data reset.
 * Plans and scripts draw on separate random streams, so adding scripts moved no plan.
 */

export type ExecutionApi = 'execute_job_plan' | 'fast_execute_script';

interface World {
  plans: SbJobPlan[];
  scripts: SbScript[];
  engine: JobEngine;
}

export class JobState {
  private seeded: World | null = null;
  /** `POST /_sandbox/job/callbacks`; cleared by `{}` and by a data reset. */
  readonly callbackLoss: CallbackLoss = { dropNext: 0 };
  /** Executions started since the last `/_sandbox/reset` (any reset zeroes them). */
  private counts: Record<ExecutionApi, number> = { execute_job_plan: 0, fast_execute_script: 0 };
  private started: number[] = [];

  constructor(private readonly ctx: SandboxContext) {}

  private world(): World {
    if (!this.seeded) {
      const seed = seedJobPlans(this.ctx.data, this.ctx.random('job-plans'));
      this.seeded = {
        plans: seed.plans,
        scripts: seedJobScripts(this.ctx.data, this.ctx.random('job-scripts')),
        engine: new JobEngine(this.ctx, seed.firstJobInstanceId, this.callbackLoss),
      };
    }
    return this.seeded;
  }

  plans(): SbJobPlan[] {
    return this.world().plans;
  }

  scripts(): SbScript[] {
    return this.world().scripts;
  }

  engine(): JobEngine {
    return this.world().engine;
  }

  recordExecution(api: ExecutionApi, jobInstanceId: number): void {
    this.counts[api]++;
    this.started.push(jobInstanceId);
  }

  executions(): Record<ExecutionApi, number> & { instances: number[] } {
    return { ...this.counts, instances: [...this.started] };
  }

  resetCounters(): void {
    this.counts = { execute_job_plan: 0, fast_execute_script: 0 };
    this.started = [];
  }

  reset(): void {
    this.seeded = null;
    this.callbackLoss.dropNext = 0;
  }
}
