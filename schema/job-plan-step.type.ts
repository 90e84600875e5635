import { Field, ID, ObjectType } from 'type-graphql';
import { JobStepType } from './job-step-type.enum';

@ObjectType('JobPlanStep', { simpleResolvers: true, description: 'One step of an execution plan.' })
export class JobPlanStep {
  @Field(() => ID, { description: "JOB's step id in the plan." })
  id!: string;

  @Field(() => String, { description: 'Step name.' })
  name!: string;

  @Field(() => JobStepType, { description: 'What the step does.' })
  type!: JobStepType;
}
