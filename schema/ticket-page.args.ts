import { ArgsType, Field, Int } from 'type-graphql';
import { TicketStatus } from './ticket-status.enum';

@ArgsType()
export class TicketPageArgs {
  @Field(() => TicketStatus, {
    nullable: true,
    description: 'Only tickets bk-graph last stored with this status.',
  })
  status?: TicketStatus | null;

  @Field(() => Int, {
    nullable: true,
    defaultValue: 50,
    description: 'How many tickets to return, 1 to 1000.',
  })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return the tickets after this cursor.' })
  after?: string | null;
}
