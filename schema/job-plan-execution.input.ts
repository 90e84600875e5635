import { Field, InputType } from 'type-graphql';
import { JobPlanRunInput } from './job-plan-run.input';

@InputType('ExecuteJobPlanInput', { description: 'Runs an execution plan (JOB execute_job_plan).' })
export class ExecuteJobPlanInput extends JobPlanRunInput {
  @Field(() => String, {
    nullable: true,
    description:
      'Per caller: the same key with the same input answers the first execution and starts nothing; with other input it is BAD_USER_INPUT.',
  })
  idempotencyKey?: string | null;
}
