import { Field, ID, InputType } from 'type-graphql';

@InputType('BusinessFilter', { description: 'Narrows `businesses`; all given conditions must hold.' })
export class BusinessFilter {
  @Field(() => String, { nullable: true, description: 'Name contains this text.' })
  nameContains?: string | null;

  @Field(() => String, { nullable: true, description: 'Name equals this text exactly.' })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'This user is one of the maintainers.' })
  maintainer?: string | null;

  @Field(() => [ID], { nullable: true, description: 'Only these business ids.' })
  ids?: string[] | null;
}
