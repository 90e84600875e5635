import { Field, ObjectType } from 'type-graphql';

@ObjectType('TicketOperation', {
  simpleResolvers: true,
  description: 'An operation ITSM offers on a ticket or one of its steps, and whether it is open now.',
})
export class TicketOperation {
  @Field(() => String, {
    description:
      'ITSM operation key: SUSPEND, UNSUSPEND, WITHDRAW, TERMINATE for the ticket; TRANSITION, CLAIM, DISTRIBUTE, DELIVER, TERMINATE for a step.',
  })
  key!: string;

  @Field(() => String, { description: "The operation's name as ITSM shows it." })
  name!: string;

  @Field(() => Boolean, { description: 'ITSM can_operate: whether the operation may be used now.' })
  canOperate!: boolean;
}
