import { ArgsType, Field, Int } from 'type-graphql';

@ArgsType()
export class HostPageArgs {
  @Field(() => Int, { nullable: true, defaultValue: 100, description: 'How many hosts to return, 1 to 500.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return the hosts after this cursor.' })
  after?: string | null;
}
