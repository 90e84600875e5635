import { Args, Ctx, FieldResolver, Info, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { HostConnection } from '../schema/host-connection.type';
import { HostPageArgs } from '../schema/host-page.args';
import { TopoNode } from '../schema/topo-node.type';
import type { GraphQLContext } from '../src/context';
import type { TopoNodeRef } from '../src/loaders/refs';
import { nodeHostsConnection } from '../src/graph/node-hosts';

@Resolver(() => TopoNode)
export class TopoNodeResolver {
  @FieldResolver(() => HostConnection, {
    description:
      'Hosts under this node, ordered by id. Totals of many nodes of one business come from one read of its host-module relations.',
  })
  hosts(
    @Root() node: TopoNodeRef,
    @Args(() => HostPageArgs) args: HostPageArgs,
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return nodeHostsConnection(ctx.loaders, node.businessId, node.objectId, node.instanceId, args, info);
  }
}
