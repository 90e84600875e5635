import { Args, Ctx, Query, Resolver } from 'type-graphql';
import { JobArgs } from '../schema/job.args';
import { Job } from '../schema/job.type';
import type { GraphQLContext } from '../src/context';
import { readJob, readerActor, type JobNode } from '../src/graph/job-view';

@Resolver(() => Job)
export class JobResolver {
  @Query(() => Job, {
    nullable: true,
    description:
      'One JOB execution as JOB reports it now (get_job_instance_status), started through bk-graph or not; null when JOB has none with this id in the business, FORBIDDEN when the caller may not see the business.',
  })
  job(@Args(() => JobArgs) args: JobArgs, @Ctx() ctx: GraphQLContext): Promise<JobNode | null> {
    return readJob(ctx.loaders, ctx.services.jobs, readerActor(ctx), args.businessId, args.id);
  }
}
