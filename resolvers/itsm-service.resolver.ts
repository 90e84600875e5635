import { Ctx, Query, Resolver } from 'type-graphql';
import { ItsmService } from '../schema/itsm-service.type';
import type { GraphQLContext } from '../src/context';

@Resolver(() => ItsmService)
export class ItsmServiceResolver {
  @Query(() => [ItsmService], {
    description:
      'The ITSM services (get_services) the caller may file tickets under: what createTicket and requestJobPlanExecution name as serviceId.',
  })
  async itsmServices(@Ctx() ctx: GraphQLContext): Promise<ItsmService[]> {
    const services = await ctx.services.tickets.services(ctx.actor());
    return services.map((s) => ({
      id: s.id,
      name: s.name,
      serviceType: s.serviceType,
      description: s.description,
    }));
  }
}
