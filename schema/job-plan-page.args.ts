import { ArgsType, Field, ID, Int } from 'type-graphql';

@ArgsType()
export class JobPlanPageArgs {
  @Field(() => ID, { description: 'The business (CMDB bk_biz_id).' })
  businessId!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Only plans whose name contains this (JOB matches fuzzily).',
  })
  name?: string | null;

  @Field(() => Int, { nullable: true, defaultValue: 50, description: 'How many plans to return, 1 to 1000.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return the plans after this cursor.' })
  after?: string | null;
}
