import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { JobHostResult } from './job-host-result.type';
import { JobStatus } from './job-status.enum';
import { JobStepType } from './job-step-type.enum';

@ObjectType('JobStep', {
  simpleResolvers: true,
  description: 'One step of a JOB execution (a step instance).',
})
export class JobStep {
  @Field(() => ID, { description: 'JOB step_instance_id.' })
  id!: string;

  @Field(() => String, { description: 'Step name.' })
  name!: string;

  @Field(() => JobStepType, { description: 'What the step does.' })
  type!: JobStepType;

  @Field(() => JobStatus, { description: "The step's status." })
  status!: JobStatus;

  @Field(() => Int, { description: "JOB's RunStatus code of the step." })
  statusCode!: number;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the step started; null before.' })
  startedAt!: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the step ended; null before.' })
  endedAt!: Date | null;

  @Field(() => [JobHostResult], {
    description: 'Per-host results, in JOB order; empty for manual confirmation steps.',
  })
  hosts!: JobHostResult[];
}
