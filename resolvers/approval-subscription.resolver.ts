import { Arg, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { Approval } from '../schema/approval.type';
import type { GraphQLContext } from '../src/context';
import { NotFoundError } from '../src/errors';
import { FINAL_APPROVAL_STATES, toApprovalNode, type ApprovalNode } from '../src/graph/approval-view';
import { versionedUpdates, type VersionedUpdate } from '../src/graph/versioned-updates';
import { approvalTopic } from '../src/services/tickets';
import type { Approval as StoredApproval } from '../src/store';

function follow({ args, context }: SubscribeResolverData<unknown, { id: string }, GraphQLContext>) {
  const actor = context.actor();
  const { services, logger } = context;
  return versionedUpdates<StoredApproval>({
    read: () => services.approvals.get(actor, args.id),
    events: services.events,
    topic: approvalTopic(args.id),
    version: (a) => a.version,
    final: (a) => FINAL_APPROVAL_STATES.has(a.state),
    notFound: () => new NotFoundError(`no approval ${args.id} is visible to you`),
    onReadError: (error) =>
      logger.warn(
        { approvalId: args.id, code: (error as { code?: unknown }).code ?? 'unknown' },
        'approvalUpdated: reading the approval failed; trying again',
      ),
  });
}

@Resolver(() => Approval)
export class ApprovalSubscriptionResolver {
  @Subscription(() => Approval, {
    subscribe: follow,
    description:
      'One approval: sent at once, then on each change of state (on any replica), and the stream completes after EXECUTED or REJECTED. Its `job` then follows with jobUpdated.',
  })
  approvalUpdated(
    @Root() update: VersionedUpdate<StoredApproval>,
    @Arg('id', () => ID, { description: 'The approval (Approval.id).' }) _id: string,
    @Ctx() _ctx: GraphQLContext,
  ): ApprovalNode {
    if (update instanceof Error) throw update;
    return toApprovalNode(update);
  }
}
