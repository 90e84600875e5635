import { Field, ObjectType } from 'type-graphql';
import { Job } from './job.type';

@ObjectType('JobPayload', { simpleResolvers: true, description: 'What starting a JOB execution answers.' })
export class JobPayload {
  @Field(() => Job, {
    description:
      'The execution JOB started (for a repeated idempotency key: the one the first call started), as JOB reports it now.',
  })
  job!: Job;
}
