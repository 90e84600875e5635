import { Field, ObjectType } from 'type-graphql';
import { Ticket } from './ticket.type';

@ObjectType('TicketPayload', { simpleResolvers: true, description: 'What a ticket mutation answers.' })
export class TicketPayload {
  @Field(() => Ticket, {
    description:
      'The ticket (for a repeated idempotency key: the one the first call filed), as bk-graph stores it now.',
  })
  ticket!: Ticket;
}
