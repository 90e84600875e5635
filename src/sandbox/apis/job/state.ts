import type { SbJobPlan } from '../../data/job-plans';
import { seedJobPlans } from '../../data/job-plans';
import type { SandboxContext } from '../../types';
import { JobEngine } from './engine';

/**
 * The JOB module's own world: seeded plans and running jobs. Built on first use from the current
 * `ctx.data` (so it sees the hosts the core seeded) and dropped on a data reset.
 */
export class JobState {
  private seeded: { plans: SbJobPlan[]; engine: JobEngine } | null = null;

  constructor(private readonly ctx: SandboxContext) {}

  private world(): { plans: SbJobPlan[]; engine: JobEngine } {
    if (!this.seeded) {
      const seed = seedJobPlans(this.ctx.data, this.ctx.random('job-plans'));
      this.seeded = { plans: seed.plans, engine: new JobEngine(this.ctx, seed.firstJobInstanceId) };
    }
    return this.seeded;
  }

  plans(): SbJobPlan[] {
    return this.world().plans;
  }

  engine(): JobEngine {
    return this.world().engine;
  }

  reset(): void {
    this.seeded = null;
  }
}
