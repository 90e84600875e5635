import { Field, ID, InputType } from 'type-graphql';
import { JobPlanRunInput } from './job-plan-run.input';

@InputType('RequestJobPlanExecutionInput', {
  description:
    'Asks for approval to run an execution plan: an ITSM ticket first, the run (execute_job_plan) once it is approved.',
})
export class RequestJobPlanExecutionInput extends JobPlanRunInput {
  @Field(() => ID, {
    nullable: true,
    description:
      'The ITSM approval service to file the ticket under; the configured one (ITSM_APPROVAL_SERVICE_ID) otherwise.',
  })
  serviceId?: string | null;

  @Field(() => String, { description: 'Why, for the approvers (at most 1000 characters).' })
  reason!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'Per caller: the same key with the same input answers the first approval and files nothing; with other input it is BAD_USER_INPUT.',
  })
  idempotencyKey?: string | null;
}
