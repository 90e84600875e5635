import { Arg, Args, Ctx, Query, Resolver } from 'type-graphql';
import { BusinessConnection } from '../schema/business-connection.type';
import { BusinessFilter } from '../schema/business-filter.input';
import { Business } from '../schema/business.type';
import { PageArgs } from '../schema/page.args';
import type { GraphQLContext } from '../src/context';
import { readPageArgs, toConnection } from '../src/graph/connection';

@Resolver(() => Business)
export class BusinessResolver {
  @Query(() => BusinessConnection, { description: 'Businesses the caller may see, in CMDB order.' })
  async businesses(
    @Arg('filter', () => BusinessFilter, { nullable: true, description: 'Only businesses matching this.' })
    filter: BusinessFilter | null | undefined,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() ctx: GraphQLContext,
  ): Promise<BusinessConnection> {
    const window = readPageArgs(page);
    const criteria = {
      ...(filter?.nameContains ? { nameContains: filter.nameContains } : {}),
      ...(filter?.name ? { names: [filter.name] } : {}),
      ...(filter?.maintainer ? { maintainer: filter.maintainer } : {}),
      ...(filter?.ids ? { ids: filter.ids } : {}),
    };
    const { count, items } = await ctx.loaders.businessPages.load({ filter: criteria, ...window });
    return toConnection(items, window.offset, count);
  }
}
