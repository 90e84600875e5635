import { ArgsType, Field, Int } from 'type-graphql';
import { ApprovalState } from './approval-state.enum';

@ArgsType()
export class ApprovalPageArgs {
  @Field(() => ApprovalState, { nullable: true, description: 'Only approvals in this state.' })
  state?: ApprovalState | null;

  @Field(() => Int, {
    nullable: true,
    defaultValue: 50,
    description: 'How many approvals to return, 1 to 1000.',
  })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return the approvals after this cursor.' })
  after?: string | null;
}
