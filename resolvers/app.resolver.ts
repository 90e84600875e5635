import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import { App } from '../schema/app.type';
import type { GraphQLContext } from '../src/context';
import { BadUserInputError } from '../src/errors';

@Resolver(() => App)
export class AppResolver {
  @Query(() => App, {
    nullable: true,
    description: 'A BlueKing PaaS app by code; null when PaaS does not know it.',
  })
  app(@Arg('code', () => String, { description: 'bk_app_code.' }) code: string, @Ctx() ctx: GraphQLContext) {
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(code))
      throw new BadUserInputError('`code` must be 1 to 32 letters, digits, - or _', 'code');
    return ctx.loaders.appByCode.load(code);
  }
}
