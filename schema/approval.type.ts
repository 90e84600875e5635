import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ApprovalState } from './approval-state.enum';

@ObjectType('Approval', {
  simpleResolvers: true,
  description:
    'A job plan execution gated by an ITSM ticket (requestJobPlanExecution): it runs once, when and only when the ticket is approved.',
})
export class Approval {
  @Field(() => ID, { description: "bk-graph's id of the approval (a UUID)." })
  id!: string;

  @Field(() => ApprovalState, { description: 'Where it is.' })
  state!: ApprovalState;

  @Field(() => ID, { description: 'The business (CMDB bk_biz_id) the plan runs in.' })
  businessId!: string;

  @Field(() => ID, { description: 'The plan to run (JobPlan.id).' })
  planId!: string;

  @Field(() => ID, { description: 'The ITSM service its ticket was filed under.' })
  serviceId!: string;

  @Field(() => String, { description: 'Why the requester wants it run (shown to the approvers).' })
  reason!: string;

  @Field(() => String, { description: 'Who asked for it; the job runs as this user.' })
  createdBy!: string;

  @Field(() => String, {
    nullable: true,
    description: "Why it is FAILED or AMBIGUOUS, or the operator's note of a resolveApproval.",
  })
  note!: string | null;

  @Field(() => String, { nullable: true, description: 'Who settled it with resolveApproval, if anyone.' })
  decidedBy!: string | null;

  @Field(() => DateTimeResolver, { description: 'When it was requested.' })
  createdAt!: Date;

  @Field(() => DateTimeResolver, { description: 'When its state last changed.' })
  updatedAt!: Date;

  @Field(() => Int, { description: 'Bumped by every change of state.' })
  version!: number;
}
