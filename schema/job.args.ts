import { ArgsType, Field, ID } from 'type-graphql';

@ArgsType()
export class JobArgs {
  @Field(() => ID, { description: 'The business (CMDB bk_biz_id) the execution runs in.' })
  businessId!: string;

  @Field(() => ID, { description: 'JOB job_instance_id.' })
  id!: string;
}
