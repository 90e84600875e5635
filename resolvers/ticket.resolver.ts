import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { Approval } from '../schema/approval.type';
import { TicketConnection } from '../schema/ticket-connection.type';
import { TicketField } from '../schema/ticket-field.type';
import { TicketOperation } from '../schema/ticket-operation.type';
import { TicketPageArgs } from '../schema/ticket-page.args';
import { TicketStep } from '../schema/ticket-step.type';
import { Ticket } from '../schema/ticket.type';
import type { GraphQLContext } from '../src/context';
import { ticketApproval } from '../src/graph/approval-view';
import { readPageArgs, toConnection } from '../src/graph/connection';
import {
  fieldValue,
  fromLive,
  MAX_TICKET_PAGE,
  refreshedTicketNode,
  ticketStatusFilter,
  toTicketNode,
  type TicketNode,
} from '../src/graph/ticket-view';

@Resolver(() => Ticket)
export class TicketResolver {
  @Query(() => Ticket, {
    nullable: true,
    description:
      "One ticket bk-graph filed, refreshed from ITSM (get_ticket_status, get_ticket_info): its status, current steps and who may act. Null when bk-graph did not file it or it is neither the caller's nor visible to an admin.",
  })
  async ticket(
    @Arg('sn', () => String, { description: 'ITSM sn, e.g. NO2019090519542603.' }) sn: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<TicketNode | null> {
    const view = await ctx.services.tickets.get(ctx.actor(), sn);
    return view ? refreshedTicketNode(view) : null;
  }

  @Query(() => TicketConnection, {
    description:
      "The tickets bk-graph filed, as it stored them, newest first: the caller's own, everyone's for an admin (BK_GRAPH_ADMINS).",
  })
  async tickets(@Args(() => TicketPageArgs) args: TicketPageArgs, @Ctx() ctx: GraphQLContext) {
    const window = readPageArgs(args, { maxFirst: MAX_TICKET_PAGE });
    const page = await ctx.services.tickets.list(ctx.actor(), {
      status: ticketStatusFilter(args.status),
      offset: window.offset,
      limit: window.limit,
    });
    return toConnection(
      page.items.map((row) => toTicketNode(row)),
      window.offset,
      page.count,
    );
  }

  @FieldResolver(() => [TicketStep], {
    nullable: true,
    description:
      "The ticket's current steps, each with who may act on it and how (ITSM get_ticket_status); empty once it ended, null when ITSM could not be asked.",
  })
  steps(@Root() ticket: TicketNode, @Ctx() ctx: GraphQLContext) {
    return fromLive(ctx.services.tickets, ctx.actor(), ticket, (live) => live.steps);
  }

  @FieldResolver(() => [TicketOperation], {
    nullable: true,
    description:
      'The ticket-level operations (SUSPEND, UNSUSPEND, WITHDRAW, TERMINATE) and whether each is open now; null when ITSM could not be asked.',
  })
  operations(@Root() ticket: TicketNode, @Ctx() ctx: GraphQLContext) {
    return fromLive(ctx.services.tickets, ctx.actor(), ticket, (live) => live.operations);
  }

  @FieldResolver(() => [TicketField], {
    nullable: true,
    description: "The ticket's form as ITSM keeps it (get_ticket_info); null when ITSM could not be asked.",
  })
  fields(@Root() ticket: TicketNode, @Ctx() ctx: GraphQLContext) {
    return fromLive(ctx.services.tickets, ctx.actor(), ticket, (live) =>
      live.fields.map((f) => ({
        key: f.key,
        name: f.name,
        value: fieldValue(f.value),
        displayValue: f.displayValue,
      })),
    );
  }

  @FieldResolver(() => Approval, {
    nullable: true,
    description: 'The plan run this ticket gates (requestJobPlanExecution); null for a plain ticket.',
  })
  approval(@Root() ticket: TicketNode, @Ctx() ctx: GraphQLContext) {
    return ticketApproval(ctx.services.approvals, ctx.actor(), ticket);
  }
}
