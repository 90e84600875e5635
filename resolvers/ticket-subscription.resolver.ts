import { Arg, Ctx, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { Ticket } from '../schema/ticket.type';
import type { GraphQLContext } from '../src/context';
import { NotFoundError } from '../src/errors';
import { toTicketNode, type TicketNode } from '../src/graph/ticket-view';
import { versionedUpdates, type VersionedUpdate } from '../src/graph/versioned-updates';
import { ticketTopic } from '../src/services/tickets';
import type { Ticket as StoredTicket } from '../src/store';

function follow({ args, context }: SubscribeResolverData<unknown, { sn: string }, GraphQLContext>) {
  const actor = context.actor();
  const { services, logger } = context;
  return versionedUpdates<StoredTicket>({
    read: () => services.tickets.get(actor, args.sn, { refresh: false }),
    events: services.events,
    topic: ticketTopic(args.sn),
    version: (t) => t.version,
    final: (t) => t.terminal,
    notFound: () => new NotFoundError(`no ticket ${args.sn} filed through bk-graph is visible to you`),
    onReadError: (error) =>
      logger.warn(
        { sn: args.sn, code: (error as { code?: unknown }).code ?? 'unknown' },
        'ticketUpdated: reading the ticket failed; trying again',
      ),
  });
}

@Resolver(() => Ticket)
export class TicketSubscriptionResolver {
  @Subscription(() => Ticket, {
    subscribe: follow,
    description:
      'One ticket bk-graph filed: sent at once, then on each change bk-graph stores (a callback, the reconcile loop, a read, operateTicket), on any replica; the stream completes after the ticket ends.',
  })
  ticketUpdated(
    @Root() update: VersionedUpdate<StoredTicket>,
    @Arg('sn', () => String, { description: 'ITSM sn of the ticket.' }) _sn: string,
    @Ctx() _ctx: GraphQLContext,
  ): TicketNode {
    if (update instanceof Error) throw update;
    return toTicketNode(update);
  }
}
