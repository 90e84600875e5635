import { Field, ID, InputType } from 'type-graphql';
import { TicketFieldInput } from './ticket-field.input';

@InputType('CreateTicketInput', {
  description: 'Files an ITSM ticket (create_ticket) as the caller, with bk-graph as its callback.',
})
export class CreateTicketInput {
  @Field(() => ID, { description: 'The ITSM service to file it under (ItsmService.id).' })
  serviceId!: string;

  @Field(() => String, { description: "The ticket's title (at most 120 characters)." })
  title!: string;

  @Field(() => [TicketFieldInput], {
    nullable: true,
    description: "The service's other form fields (at most 50, 32 KiB in all).",
  })
  fields?: TicketFieldInput[] | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Per caller: the same key with the same input answers the first ticket and files nothing; with other input it is BAD_USER_INPUT.',
  })
  idempotencyKey?: string | null;
}
