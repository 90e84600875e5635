import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { JobPlanConnection } from '../schema/job-plan-connection.type';
import { JobPlanPageArgs } from '../schema/job-plan-page.args';
import { JobPlanStep } from '../schema/job-plan-step.type';
import { JobPlan } from '../schema/job-plan.type';
import { JobVariable } from '../schema/job-variable.type';
import type { GraphQLContext } from '../src/context';
import { readPageArgs, toConnection } from '../src/graph/connection';
import { planById, planPage, planSteps, planVariables, type JobPlanNode } from '../src/graph/job-plan';
import { JOB_LIMITS } from '../src/upstream/job';

@Resolver(() => JobPlan)
export class JobPlanResolver {
  @Query(() => JobPlanConnection, {
    description: "A business's execution plans (get_job_plan_list), in JOB's order.",
  })
  async jobPlans(@Args(() => JobPlanPageArgs) args: JobPlanPageArgs, @Ctx() ctx: GraphQLContext) {
    const window = readPageArgs(args, { maxFirst: JOB_LIMITS.planPage });
    const page = await planPage(ctx.loaders, args.businessId, args.name, window);
    return toConnection(page.items, window.offset, page.count);
  }

  @Query(() => JobPlan, {
    nullable: true,
    description:
      'One execution plan with its variables and steps (get_job_plan_detail); null when the business has no such plan, FORBIDDEN when the caller may not see it.',
  })
  jobPlan(
    @Arg('businessId', () => ID, { description: 'The business (CMDB bk_biz_id).' }) businessId: string,
    @Arg('id', () => ID, { description: 'JOB job_plan_id.' }) id: string,
    @Ctx() ctx: GraphQLContext,
  ) {
    return planById(ctx.loaders, businessId, id);
  }

  @FieldResolver(() => [JobVariable], {
    description: "The plan's global variables with their defaults (a listed plan reads its detail for them).",
  })
  variables(@Root() plan: JobPlanNode, @Ctx() ctx: GraphQLContext) {
    return planVariables(ctx.loaders, plan);
  }

  @FieldResolver(() => [JobPlanStep], {
    description: "The plan's steps, in order (a listed plan reads its detail for them).",
  })
  steps(@Root() plan: JobPlanNode, @Ctx() ctx: GraphQLContext) {
    return planSteps(ctx.loaders, plan);
  }
}
