import { Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { ScriptConnection } from '../schema/script-connection.type';
import { ScriptLanguage } from '../schema/script-language.enum';
import { ScriptPageArgs } from '../schema/script-page.args';
import { Script } from '../schema/script.type';
import type { GraphQLContext } from '../src/context';
import { readPageArgs, toConnection } from '../src/graph/connection';
import { scriptLanguage, scriptPage } from '../src/graph/job-script';
import type { JobScript } from '../src/upstream/domain';
import { JOB_LIMITS } from '../src/upstream/job';

@Resolver(() => Script)
export class ScriptResolver {
  @Query(() => ScriptConnection, {
    description: "A business's stored scripts (JOB get_script_list), optionally by name and language.",
  })
  async scripts(@Args(() => ScriptPageArgs) args: ScriptPageArgs, @Ctx() ctx: GraphQLContext) {
    const window = readPageArgs(args, { maxFirst: JOB_LIMITS.scriptPage });
    const page = await scriptPage(ctx.loaders, args.businessId, args.name, args.language, window);
    return toConnection(page.items, window.offset, page.count);
  }

  @FieldResolver(() => ScriptLanguage, { description: "The script's language." })
  language(@Root() script: JobScript) {
    return scriptLanguage(script);
  }
}
