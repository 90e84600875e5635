import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Host } from '../schema/host.type';
import { JobHostResult } from '../schema/job-host-result.type';
import type { GraphQLContext } from '../src/context';
import { hostOfResult, logOfResult, type JobHostNode } from '../src/graph/job-view';

@Resolver(() => JobHostResult)
export class JobHostResultResolver {
  @FieldResolver(() => Host, {
    nullable: true,
    description:
      "The CMDB host, when it is still in the execution's business. Every host of the response is read together, ≤500 per CMDB call.",
  })
  host(@Root() result: JobHostNode, @Ctx() ctx: GraphQLContext) {
    return hostOfResult(ctx.loaders, result);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      "The host's log of this step (script output; for file steps each file's line). Read only when asked: one batch_get_job_instance_ip_log per step and 500 hosts for the whole response.",
  })
  log(@Root() result: JobHostNode, @Ctx() ctx: GraphQLContext) {
    return logOfResult(ctx.loaders, result);
  }
}
