import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { TicketPayload } from '../schema/ticket-payload.type';
import { CreateTicketInput } from '../schema/ticket-creation.input';
import { OperateTicketInput } from '../schema/ticket-operation.input';
import type { GraphQLContext } from '../src/context';
import { refreshedTicketNode, toTicketNode, type TicketNode } from '../src/graph/ticket-view';

@Resolver()
export class TicketMutationResolver {
  @Mutation(() => TicketPayload, {
    description:
      'Files an ITSM ticket (create_ticket) with the caller as its creator and bk-graph as its callback (PUBLIC_URL/callbacks/itsm). At most once per idempotency key: a repeat answers the first ticket without calling ITSM; if ITSM may or may not have filed it, OUTCOME_UNKNOWN.',
  })
  async createTicket(
    @Arg('input', () => CreateTicketInput, { description: 'The service, title, fields and idempotency key.' })
    input: CreateTicketInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<{ ticket: TicketNode }> {
    const row = await ctx.services.tickets.create(
      ctx.actor(),
      {
        serviceId: input.serviceId,
        title: input.title,
        fields: input.fields?.map((f) => ({ key: f.key, value: f.value })),
      },
      { idempotencyKey: input.idempotencyKey ?? null },
    );
    return { ticket: toTicketNode(row) };
  }

  @Mutation(() => TicketPayload, {
    description:
      'SUSPEND, UNSUSPEND, WITHDRAW or TERMINATE a ticket bk-graph filed (operate_ticket), as the caller; never retried. A message is required for SUSPEND and TERMINATE. Answers the ticket refreshed from ITSM.',
  })
  async operateTicket(
    @Arg('input', () => OperateTicketInput, { description: 'The ticket, the operation and why.' })
    input: OperateTicketInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<{ ticket: TicketNode }> {
    const view = await ctx.services.tickets.operate(ctx.actor(), {
      sn: input.sn,
      action: input.action,
      message: input.message,
    });
    return { ticket: refreshedTicketNode(view) };
  }
}
