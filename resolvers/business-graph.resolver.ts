import { Arg, Args, Ctx, FieldResolver, ID, Info, Int, Query, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { Business } from '../schema/business.type';
import { HostConnection } from '../schema/host-connection.type';
import { HostFilter } from '../schema/host-filter.input';
import { HostPageArgs } from '../schema/host-page.args';
import { BkModule } from '../schema/module.type';
import { BkSet } from '../schema/set.type';
import { TopoNode } from '../schema/topo-node.type';
import type { GraphQLContext } from '../src/context';
import { prefetchBusinessChildren } from '../src/graph/business-prefetch';
import { countOnlyConnection, toConnection } from '../src/graph/connection';
import { hostCountKey, hostPageRequest } from '../src/graph/host-page';
import type { BusinessRef, ModuleRef, SetRef, TopoNodeRef } from '../src/loaders/refs';
import { topoNodeRef } from '../src/loaders/refs';
import { wireId } from '../src/upstream/ids';

/** Business by id and the fields that reach into its topology and hosts. */
@Resolver(() => Business)
export class BusinessGraphResolver {
  @Query(() => Business, {
    nullable: true,
    description:
      'One business by CMDB id; null when it does not exist, FORBIDDEN when the caller may not see it.',
  })
  business(
    @Arg('id', () => ID, { description: 'CMDB bk_biz_id.' }) id: string,
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    wireId(id, 'id');
    prefetchBusinessChildren(ctx.loaders, id, info);
    return ctx.loaders.businessById.load(id);
  }

  @FieldResolver(() => Int, { description: 'How many hosts the business has.' })
  async hostCount(@Root() biz: BusinessRef, @Ctx() ctx: GraphQLContext): Promise<number> {
    const page = await ctx.loaders.hostPages.load(hostCountKey(biz.id));
    return page.count;
  }

  @FieldResolver(() => [BkSet], { description: 'Every set of the business, the built-in idle set included.' })
  async sets(@Root() biz: BusinessRef, @Ctx() ctx: GraphQLContext): Promise<SetRef[]> {
    const sets = await ctx.loaders.setsByBiz.load(biz.id);
    return sets.map((s) => ({ id: s.id, name: s.name, businessId: biz.id }));
  }

  @FieldResolver(() => [BkModule], { description: 'Every module of the business, across its sets.' })
  async modules(@Root() biz: BusinessRef, @Ctx() ctx: GraphQLContext): Promise<ModuleRef[]> {
    const modules = await ctx.loaders.modulesByBiz.load(biz.id);
    return modules.map((m) => ({ id: m.id, name: m.name, setId: m.setId, businessId: biz.id }));
  }

  @FieldResolver(() => [TopoNode], {
    description: "The business's instance topology tree (search_biz_inst_topo).",
  })
  async topology(@Root() biz: BusinessRef, @Ctx() ctx: GraphQLContext): Promise<TopoNodeRef[]> {
    const nodes = await ctx.loaders.topologyByBiz.load(biz.id);
    return nodes.map((n) => topoNodeRef(n, biz.id));
  }

  @FieldResolver(() => HostConnection, { description: "The business's hosts, ordered by id." })
  async hosts(
    @Root() biz: BusinessRef,
    @Arg('filter', () => HostFilter, { nullable: true, description: 'Only hosts matching this.' })
    filter: HostFilter | null | undefined,
    @Args(() => HostPageArgs) args: HostPageArgs,
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    const { key, window } = hostPageRequest(biz.id, { ...args, filter }, info.fieldNodes, info.fragments);
    const page = await ctx.loaders.hostPages.load(key);
    if (key.limit === 0) return countOnlyConnection(window.offset, window.limit, page.count);
    return toConnection(page.items, window.offset, page.count);
  }
}
