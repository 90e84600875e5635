import { Field, InputType } from 'type-graphql';
import { TicketAction } from './ticket-action.enum';

@InputType('OperateTicketInput', {
  description: 'An operation on one ticket bk-graph filed (operate_ticket).',
})
export class OperateTicketInput {
  @Field(() => String, { description: "The ticket's sn." })
  sn!: string;

  @Field(() => TicketAction, { description: 'What to do.' })
  action!: TicketAction;

  @Field(() => String, {
    nullable: true,
    description: 'Why (action_message): required for SUSPEND and TERMINATE, as ITSM requires.',
  })
  message?: string | null;
}
