import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('JobPlan', {
  simpleResolvers: true,
  description:
    'A JOB execution plan (执行方案) of a business. Its variables and steps come from the plan detail.',
})
export class JobPlan {
  @Field(() => ID, { description: 'JOB job_plan_id.' })
  id!: string;

  @Field(() => ID, { description: 'The business (CMDB bk_biz_id) the plan belongs to.' })
  businessId!: string;

  @Field(() => String, { description: 'Plan name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Who created the plan.' })
  creator!: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the plan was created.' })
  createdAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Who changed the plan last.' })
  updatedBy!: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the plan was changed last.' })
  updatedAt!: Date | null;
}
