import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Business } from '../schema/business.type';
import { BkModule } from '../schema/module.type';
import { BkSet } from '../schema/set.type';
import type { GraphQLContext } from '../src/context';
import { NotFoundError } from '../src/errors';
import type { ModuleRef, SetRef } from '../src/loaders/refs';

@Resolver(() => BkSet)
export class SetResolver {
  @FieldResolver(() => Business, { description: 'The business the set belongs to.' })
  async business(@Root() set: SetRef, @Ctx() ctx: GraphQLContext) {
    const biz = await ctx.loaders.businessById.load(set.businessId);
    if (!biz) throw new NotFoundError(`business ${set.businessId} of set ${set.id} was not found`);
    return biz;
  }

  @FieldResolver(() => [BkModule], { description: 'The modules of the set.' })
  async modules(@Root() set: SetRef, @Ctx() ctx: GraphQLContext): Promise<ModuleRef[]> {
    const modules = await ctx.loaders.modulesByBiz.load(set.businessId);
    return modules
      .filter((m) => m.setId === set.id)
      .map((m) => ({ id: m.id, name: m.name, setId: m.setId, businessId: set.businessId }));
  }
}
