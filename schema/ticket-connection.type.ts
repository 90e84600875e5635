import { ObjectType } from 'type-graphql';
import { Connection } from './connection';
import { Ticket } from './ticket.type';

@ObjectType('TicketConnection', {
  simpleResolvers: true,
  description: 'A page of the tickets bk-graph filed, newest first.',
})
export class TicketConnection extends Connection(Ticket, 'Ticket') {}
