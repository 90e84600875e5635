import { Field, ID, InputType } from 'type-graphql';
import { JobVariableInput } from './job-variable.input';

/** What names a plan run: shared by executeJobPlan and requestJobPlanExecution. */
@InputType()
export abstract class JobPlanRunInput {
  @Field(() => ID, { description: 'The business (CMDB bk_biz_id) the plan belongs to.' })
  businessId!: string;

  @Field(() => ID, { description: 'The plan (JobPlan.id).' })
  planId!: string;

  @Field(() => [JobVariableInput], {
    nullable: true,
    description: "Values for the plan's global variables; the others keep the plan's defaults.",
  })
  variables?: JobVariableInput[] | null;
}
