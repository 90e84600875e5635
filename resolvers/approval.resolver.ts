import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { ApprovalConnection } from '../schema/approval-connection.type';
import { ApprovalPageArgs } from '../schema/approval-page.args';
import { Approval } from '../schema/approval.type';
import { Job } from '../schema/job.type';
import { Ticket } from '../schema/ticket.type';
import type { GraphQLContext } from '../src/context';
import {
  approvalJob,
  approvalTicket,
  MAX_APPROVAL_PAGE,
  toApprovalNode,
  type ApprovalNode,
} from '../src/graph/approval-view';
import { readPageArgs, toConnection } from '../src/graph/connection';
import { readerActor } from '../src/graph/job-view';

@Resolver(() => Approval)
export class ApprovalResolver {
  @Query(() => Approval, {
    nullable: true,
    description:
      "One approval by id; null when there is none, or it is neither the caller's nor they an admin.",
  })
  async approval(
    @Arg('id', () => ID, { description: 'The approval (Approval.id).' }) id: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<ApprovalNode | null> {
    const approval = await ctx.services.approvals.get(ctx.actor(), id);
    return approval ? toApprovalNode(approval) : null;
  }

  @Query(() => ApprovalConnection, {
    description:
      "Approvals, newest first: the caller's own, everyone's for an admin (BK_GRAPH_ADMINS); optionally in one state.",
  })
  async approvals(@Args(() => ApprovalPageArgs) args: ApprovalPageArgs, @Ctx() ctx: GraphQLContext) {
    const window = readPageArgs(args, { maxFirst: MAX_APPROVAL_PAGE });
    const page = await ctx.services.approvals.list(ctx.actor(), {
      state: args.state ?? null,
      offset: window.offset,
      limit: window.limit,
    });
    return toConnection(page.items.map(toApprovalNode), window.offset, page.count);
  }

  @FieldResolver(() => Ticket, {
    description:
      'The ITSM ticket that decides it, as bk-graph stored it (its steps are read from ITSM when asked).',
  })
  ticket(@Root() approval: ApprovalNode, @Ctx() ctx: GraphQLContext) {
    return approvalTicket(ctx.services.tickets, ctx.actor(), approval);
  }

  @FieldResolver(() => Job, {
    nullable: true,
    description:
      "The job JOB started for it, as JOB reports it now (the caller's rights; bk-graph's record when JOB cannot be read); null until EXECUTED.",
  })
  job(@Root() approval: ApprovalNode, @Ctx() ctx: GraphQLContext) {
    return approvalJob(
      { loaders: ctx.loaders, jobs: ctx.services.jobs, store: ctx.services.store },
      readerActor(ctx),
      approval,
      (error) =>
        ctx.logger.warn(
          { approvalId: approval.id, code: (error as { code?: unknown }).code ?? 'unknown' },
          "an approval's job could not be read from JOB; answering it as bk-graph recorded it",
        ),
    );
  }
}
