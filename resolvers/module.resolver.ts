import { Args, Ctx, FieldResolver, Info, Resolver, Root } from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { Business } from '../schema/business.type';
import { HostConnection } from '../schema/host-connection.type';
import { HostPageArgs } from '../schema/host-page.args';
import { BkModule } from '../schema/module.type';
import { BkSet } from '../schema/set.type';
import type { GraphQLContext } from '../src/context';
import { NotFoundError } from '../src/errors';
import type { ModuleRef, SetRef } from '../src/loaders/refs';
import { nodeHostsConnection } from '../src/graph/node-hosts';

@Resolver(() => BkModule)
export class ModuleResolver {
  @FieldResolver(() => BkSet, { description: 'The set the module belongs to.' })
  async set(@Root() module: ModuleRef, @Ctx() ctx: GraphQLContext): Promise<SetRef> {
    const sets = await ctx.loaders.setsByBiz.load(module.businessId);
    const set = sets.find((s) => s.id === module.setId);
    if (!set) throw new NotFoundError(`set ${module.setId} of module ${module.id} was not found`);
    return { id: set.id, name: set.name, businessId: module.businessId };
  }

  @FieldResolver(() => Business, { description: 'The business the module belongs to.' })
  async business(@Root() module: ModuleRef, @Ctx() ctx: GraphQLContext) {
    const biz = await ctx.loaders.businessById.load(module.businessId);
    if (!biz) throw new NotFoundError(`business ${module.businessId} of module ${module.id} was not found`);
    return biz;
  }

  @FieldResolver(() => HostConnection, { description: 'The hosts in the module, ordered by id.' })
  hosts(
    @Root() module: ModuleRef,
    @Args(() => HostPageArgs) args: HostPageArgs,
    @Ctx() ctx: GraphQLContext,
    @Info() info: GraphQLResolveInfo,
  ) {
    return nodeHostsConnection(ctx.loaders, module.businessId, 'module', module.id, args, info);
  }
}
