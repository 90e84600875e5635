import { ObjectType } from 'type-graphql';
import { Connection } from './connection';
import { JobPlan } from './job-plan.type';

@ObjectType('JobPlanConnection', {
  simpleResolvers: true,
  description: "A page of a business's execution plans, in JOB's order.",
})
export class JobPlanConnection extends Connection(JobPlan, 'JobPlan') {}
