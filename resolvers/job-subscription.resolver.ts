import { Args, Ctx, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { JobArgs } from '../schema/job.args';
import { Job } from '../schema/job.type';
import type { GraphQLContext } from '../src/context';
import { jobUpdates, type JobUpdate } from '../src/graph/job-updates';
import { jobIds, readerActor, toJobNode, type JobNode } from '../src/graph/job-view';
import { jobTopic } from '../src/services/jobs';

function follow({ args, context }: SubscribeResolverData<unknown, JobArgs, GraphQLContext>) {
  const { bizId, jobInstanceId } = jobIds(args.businessId, args.id);
  const { loaders, services, logger } = context;
  const actor = readerActor(context);
  return jobUpdates({
    read: () =>
      loaders.jobs.load({ bizId, jobInstanceId }, () => services.jobs.jobView(actor, bizId, jobInstanceId), {
        fresh: true,
      }),
    started: () => services.jobs.startedJob(bizId, jobInstanceId),
    events: services.events,
    topic: jobTopic(bizId, jobInstanceId),
    watch: (jobId) => services.jobPoller.watch(jobId),
    onReadError: (error) =>
      logger.warn(
        { jobInstanceId, code: (error as { code?: unknown }).code ?? 'unknown' },
        'jobUpdated: reading the job failed; trying again',
      ),
  });
}

@Resolver(() => Job)
export class JobSubscriptionResolver {
  @Subscription(() => Job, {
    subscribe: follow,
    description:
      "One JOB execution: sent at once, then on each status change (the job's, a step's or a host's), and the stream completes after the finished one. Jobs bk-graph started follow its callbacks and poller; others are read every 2 s.",
  })
  jobUpdated(
    @Root() update: JobUpdate,
    @Args(() => JobArgs) _args: JobArgs,
    @Ctx() ctx: GraphQLContext,
  ): JobNode {
    if (update instanceof Error) throw update;
    // One context serves every event of the subscription: logs are read afresh for each.
    ctx.loaders.jobHostLog.clearAll();
    return toJobNode(update);
  }
}
