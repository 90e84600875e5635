import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('ItsmService', {
  simpleResolvers: true,
  description: 'An ITSM service (服务) tickets can be filed under (ITSM get_services).',
})
export class ItsmService {
  @Field(() => ID, { description: 'ITSM service_id: what createTicket and requestJobPlanExecution name.' })
  id!: string;

  @Field(() => String, { description: "The service's name." })
  name!: string;

  @Field(() => String, {
    nullable: true,
    description: 'ITSM service_type: change, event, request or question.',
  })
  serviceType!: string | null;

  @Field(() => String, { nullable: true, description: "The service's description (desc)." })
  description!: string | null;
}
