import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { Agent } from '../schema/agent.type';
import { Business } from '../schema/business.type';
import { Host } from '../schema/host.type';
import { BkModule } from '../schema/module.type';
import { BkSet } from '../schema/set.type';
import { startedAgent } from '../src/graph/started-agent';
import type { GraphQLContext } from '../src/context';
import { inBizKey } from '../src/loaders/host.loaders';
import type { HostRef, HostTopoRef, ModuleRef, SetRef } from '../src/loaders/refs';
import { wireId } from '../src/upstream/ids';

/** The business a host belongs to: known from the list that found it, else CMDB is asked. */
async function businessIdOf(host: HostRef, ctx: GraphQLContext): Promise<string | null> {
  if (host.businessId) return host.businessId;
  const rows = await ctx.loaders.hostBiz.load(host.id);
  return rows[0]?.businessId ?? null;
}

const NO_TOPO: HostTopoRef = { sets: [], modules: [] };

/**
 * A host's sets and modules. Hosts from a list_biz_hosts_topo page carry them already: then the
 * answer is synchronous and allocates nothing (no promise or copy per host on large pages);
 * otherwise CMDB is asked, batched.
 */
function topoOf(host: HostRef, ctx: GraphQLContext): HostTopoRef | Promise<HostTopoRef> {
  if (host.topo && host.businessId) return host.topo;
  return (async () => {
    const bizId = await businessIdOf(host, ctx);
    const full = bizId ? await ctx.loaders.hostInBiz.load(inBizKey(bizId, host.id)) : null;
    return full?.topo ?? NO_TOPO;
  })();
}

@Resolver(() => Host)
export class HostResolver {
  @Query(() => Host, {
    nullable: true,
    description: 'One host by CMDB id, in whatever business it is; null when unknown.',
  })
  async host(
    @Arg('id', () => ID, { description: 'CMDB bk_host_id.' }) id: string,
    @Ctx() ctx: GraphQLContext,
  ) {
    wireId(id, 'id');
    const rows = await ctx.loaders.hostBiz.load(id);
    const bizId = rows[0]?.businessId;
    return bizId ? ctx.loaders.hostInBiz.load(inBizKey(bizId, id)) : null;
  }

  @FieldResolver(() => Business, {
    nullable: true,
    description: 'The business the host belongs to (the resource pool for unassigned hosts).',
  })
  async business(@Root() host: HostRef, @Ctx() ctx: GraphQLContext) {
    const bizId = await businessIdOf(host, ctx);
    return bizId ? ctx.loaders.businessById.load(bizId) : null;
  }

  @FieldResolver(() => [BkSet], { description: 'The sets the host is in (through its modules).' })
  sets(@Root() host: HostRef, @Ctx() ctx: GraphQLContext): SetRef[] | Promise<SetRef[]> {
    const topo = topoOf(host, ctx);
    return topo instanceof Promise ? topo.then((t) => t.sets) : topo.sets;
  }

  @FieldResolver(() => [BkModule], { description: 'The modules the host is in.' })
  modules(@Root() host: HostRef, @Ctx() ctx: GraphQLContext): ModuleRef[] | Promise<ModuleRef[]> {
    const topo = topoOf(host, ctx);
    return topo instanceof Promise ? topo.then((t) => t.modules) : topo.modules;
  }

  @FieldResolver(() => Agent, {
    nullable: true,
    description: "The host's GSE agent. Batched across every host of the response into the fewest GSE calls.",
  })
  agent(@Root() host: HostRef, @Ctx() ctx: GraphQLContext) {
    const started = startedAgent(ctx.loaders, host.id);
    return started === undefined ? ctx.loaders.agent.load(host) : started;
  }
}
