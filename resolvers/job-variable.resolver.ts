import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Host } from '../schema/host.type';
import { JobVariable } from '../schema/job-variable.type';
import type { GraphQLContext } from '../src/context';
import { variableHosts, type JobVariableNode } from '../src/graph/job-plan';

@Resolver(() => JobVariable)
export class JobVariableResolver {
  @FieldResolver(() => [Host], {
    nullable: true,
    description:
      "A HOST_LIST variable's default hosts that are still in the business (read through CMDB with every other host of the response); null for other types.",
  })
  hosts(@Root() variable: JobVariableNode, @Ctx() ctx: GraphQLContext) {
    return variableHosts(ctx.loaders, variable);
  }
}
