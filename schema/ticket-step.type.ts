import { Field, ID, ObjectType } from 'type-graphql';
import { TicketOperation } from './ticket-operation.type';

@ObjectType('TicketStep', {
  simpleResolvers: true,
  description: "One of a ticket's current steps (ITSM current_steps): what it waits for, and who may act.",
})
export class TicketStep {
  @Field(() => String, { description: "The step's name, e.g. 审批." })
  name!: string;

  @Field(() => ID, { description: 'ITSM state_id of the step in its workflow.' })
  stateId!: string;

  @Field(() => String, {
    description: "The step's node status: WAIT, RUNNING, QUEUEING, RECEIVING, DISTRIBUTING, … (§7.3).",
  })
  status!: string;

  @Field(() => [String], { description: 'Who may act on the step now (ITSM processors).' })
  processors!: string[];

  @Field(() => [TicketOperation], { description: 'What those processors may do with the step.' })
  operations!: TicketOperation[];
}
