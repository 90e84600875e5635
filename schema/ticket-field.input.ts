import { Field, InputType } from 'type-graphql';

@InputType('TicketFieldInput', { description: "One field of the service's form: its key and value." })
export class TicketFieldInput {
  @Field(() => String, {
    description:
      'The form key (a letter, then letters, digits or _); not `title`, which is given on its own.',
  })
  key!: string;

  @Field(() => String, { description: 'The value, as text (at most 8000 characters).' })
  value!: string;
}
