import { Field, ObjectType } from 'type-graphql';

@ObjectType('TicketField', {
  simpleResolvers: true,
  description: "One field of a ticket's form, as ITSM keeps it (get_ticket_info).",
})
export class TicketField {
  @Field(() => String, { description: 'The form key, e.g. title.' })
  key!: string;

  @Field(() => String, { description: "The field's label." })
  name!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The value: text as given, any other value (a table, a list) as JSON; null when empty.',
  })
  value!: string | null;

  @Field(() => String, { nullable: true, description: 'The value as ITSM displays it (display_value).' })
  displayValue!: string | null;
}
