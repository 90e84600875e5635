import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { JobStatus } from './job-status.enum';
import { JobStep } from './job-step.type';

@ObjectType('Job', {
  simpleResolvers: true,
  description:
    'A JOB execution (job instance) as JOB reports it now: a plan execution or a script run, its steps and per-host results.',
})
export class Job {
  @Field(() => ID, { description: 'JOB job_instance_id.' })
  id!: string;

  @Field(() => ID, { description: 'The business (CMDB bk_biz_id) the execution runs in.' })
  businessId!: string;

  @Field(() => String, { description: "The execution's name (the plan's, or the script run's task name)." })
  name!: string;

  @Field(() => JobStatus, { description: "The execution's status." })
  status!: JobStatus;

  @Field(() => Int, {
    nullable: true,
    description:
      "JOB's RunStatus code; null only when a job bk-graph just started could not be read from JOB yet.",
  })
  statusCode!: number | null;

  @Field(() => Boolean, {
    description: 'JOB says it is finished (FINISHED_STATUS_SET): it will not change any more.',
  })
  finished!: boolean;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When JOB created the execution.' })
  createdAt!: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When it started; null before.' })
  startedAt!: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When it ended; null until it has.' })
  endedAt!: Date | null;

  @Field(() => [JobStep], { description: 'The steps, in order.' })
  steps!: JobStep[];
}
