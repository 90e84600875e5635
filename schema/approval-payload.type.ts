import { Field, ObjectType } from 'type-graphql';
import { Approval } from './approval.type';

@ObjectType('ApprovalPayload', { simpleResolvers: true, description: 'What an approval mutation answers.' })
export class ApprovalPayload {
  @Field(() => Approval, {
    description:
      'The approval (for a repeated idempotency key: the one the first call made), as bk-graph stores it now.',
  })
  approval!: Approval;
}
