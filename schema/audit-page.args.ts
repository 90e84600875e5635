import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class AuditPageArgs {
  @Field(() => Int, {
    nullable: true,
    defaultValue: 50,
    description: 'How many entries to return, 1 to 1000.',
  })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return the entries after this cursor.' })
  after?: string | null;
}
