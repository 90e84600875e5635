import { Field, ID, Int, ObjectType } from 'type-graphql';
import { JobHostStatus } from './job-host-status.enum';

@ObjectType('JobHostResult', {
  simpleResolvers: true,
  description:
    "One host's result in one step of a JOB execution. Its `host` and `log` are read only when asked for.",
})
export class JobHostResult {
  @Field(() => ID, {
    nullable: true,
    description: 'CMDB bk_host_id as JOB reports it; null for results JOB gives by IP only.',
  })
  hostId!: string | null;

  @Field(() => String, { nullable: true, description: 'The IP JOB ran on.' })
  ip!: string | null;

  @Field(() => Int, { nullable: true, description: 'Cloud area id (bk_cloud_id) of that IP.' })
  cloudId!: number | null;

  @Field(() => JobHostStatus, { description: "The result, grouped from JOB's host code." })
  status!: JobHostStatus;

  @Field(() => Int, { description: "JOB's own host status code (ExecuteObjectTaskStatusEnum)." })
  statusCode!: number;

  @Field(() => Int, { nullable: true, description: "The script's exit code, once it exited." })
  exitCode!: number | null;
}
