import { ArgsType, Field, ID } from 'type-graphql';
import { ApprovalDecision } from './approval-decision.enum';

@ArgsType()
export class ResolveApprovalArgs {
  @Field(() => ID, { description: 'The approval (Approval.id).' })
  id!: string;

  @Field(() => ApprovalDecision, { description: 'What to do with it.' })
  decision!: ApprovalDecision;

  @Field(() => String, { description: 'Why (required, at most 1000 characters): kept in the audit log.' })
  note!: string;
}
