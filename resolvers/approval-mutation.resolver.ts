import { Arg, Args, Ctx, Mutation, Resolver } from 'type-graphql';
import { ApprovalPayload } from '../schema/approval-payload.type';
import { ResolveApprovalArgs } from '../schema/approval-resolution.args';
import { RequestJobPlanExecutionInput } from '../schema/job-plan-approval.input';
import type { GraphQLContext } from '../src/context';
import { toApprovalNode, type ApprovalNode } from '../src/graph/approval-view';

@Resolver()
export class ApprovalMutationResolver {
  @Mutation(() => ApprovalPayload, {
    description:
      'Asks for approval to run a plan: files an ITSM ticket that describes the plan, its variables and target hosts, and answers an Approval in PENDING. Once ITSM approves (FINISHED with approve_result true) the plan runs exactly once, as the requester; rejected, terminated or withdrawn, it never runs. At most once per idempotency key.',
  })
  async requestJobPlanExecution(
    @Arg('input', () => RequestJobPlanExecutionInput, {
      description: 'The plan, its variables, the approval service, the reason and the idempotency key.',
    })
    input: RequestJobPlanExecutionInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<{ approval: ApprovalNode }> {
    const approval = await ctx.services.approvals.requestJobPlanExecution(
      ctx.actor(),
      {
        businessId: input.businessId,
        planId: input.planId,
        variables: input.variables,
        serviceId: input.serviceId,
        reason: input.reason,
      },
      { idempotencyKey: input.idempotencyKey ?? null },
    );
    return { approval: toApprovalNode(approval) };
  }

  @Mutation(() => ApprovalPayload, {
    description:
      'An operator settles an approval the worker could not: MARK_EXECUTED or MARK_FAILED an AMBIGUOUS one, RUN_AGAIN an AMBIGUOUS or FAILED one (one more run, under a new key). The requester or an admin only; the decision and its note go to the audit log.',
  })
  async resolveApproval(
    @Args(() => ResolveApprovalArgs) args: ResolveApprovalArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<{ approval: ApprovalNode }> {
    const approval = await ctx.services.approvals.resolveApproval(
      ctx.actor(),
      args.id,
      args.decision,
      args.note,
    );
    return { approval: toApprovalNode(approval) };
  }
}
