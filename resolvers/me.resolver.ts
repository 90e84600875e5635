import { Ctx, Query, Resolver } from 'type-graphql';
import { User } from '../schema/user.type';
import type { GraphQLContext } from '../src/context';

@Resolver(() => User)
export class MeResolver {
  @Query(() => User, { description: 'The caller, as bk-login knows them.' })
  async me(@Ctx() ctx: GraphQLContext): Promise<User> {
    const info = await ctx.clients.login.userInfo(ctx.callContext());
    return {
      username: info.username,
      displayName: info.displayName ?? null,
      tenantId: info.tenantId ?? null,
      language: info.language ?? null,
    };
  }
}
