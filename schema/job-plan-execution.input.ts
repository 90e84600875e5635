import { Field, ID, InputType } from 'type-graphql';
import { JobVariableInput } from './job-variable.input';

@InputType('ExecuteJobPlanInput', { description: 'Runs an execution plan (JOB execute_job_plan).' })
export class ExecuteJobPlanInput {
  @Field(() => ID, { description: 'The business (CMDB bk_biz_id) the plan belongs to.' })
  businessId!: string;

  @Field(() => ID, { description: 'The plan (JobPlan.id).' })
  planId!: string;

  @Field(() => [JobVariableInput], {
    nullable: true,
    description: "Values for the plan's global variables; the others keep the plan's defaults.",
  })
  variables?: JobVariableInput[] | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Per caller: the same key with the same input answers the first execution and starts nothing; with other input it is BAD_USER_INPUT.',
  })
  idempotencyKey?: string | null;
}
