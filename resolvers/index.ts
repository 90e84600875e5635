import type { ClassType, NonEmptyArray } from 'type-graphql';
import { AppResolver } from './app.resolver';
import { BusinessGraphResolver } from './business-graph.resolver';
import { BusinessResolver } from './business.resolver';
import { HostResolver } from './host.resolver';
import { MeResolver } from './me.resolver';
import { ModuleResolver } from './module.resolver';
import { SetResolver } from './set.resolver';
import { TopoNodeResolver } from './topo-node.resolver';
import { AuditResolver } from './audit.resolver';
import { JobHostResultResolver } from './job-host-result.resolver';
import { JobMutationResolver } from './job-mutation.resolver';
import { JobPlanResolver } from './job-plan.resolver';
import { JobSubscriptionResolver } from './job-subscription.resolver';
import { JobVariableResolver } from './job-variable.resolver';
import { JobResolver } from './job.resolver';
import { ScriptResolver } from './script.resolver';
import { ApprovalMutationResolver } from './approval-mutation.resolver';
import { ApprovalSubscriptionResolver } from './approval-subscription.resolver';
import { ApprovalResolver } from './approval.resolver';
import { ItsmServiceResolver } from './itsm-service.resolver';
import { TicketMutationResolver } from './ticket-mutation.resolver';
import { TicketSubscriptionResolver } from './ticket-subscription.resolver';
import { TicketResolver } from './ticket.resolver';

/** Every resolver class of the schema; src/graphql/build-schema.ts is the only importer. */
export const resolvers: NonEmptyArray<ClassType> = [
  MeResolver,
  BusinessResolver,
  BusinessGraphResolver,
  HostResolver,
  SetResolver,
  ModuleResolver,
  TopoNodeResolver,
  AppResolver,
  JobPlanResolver,
  JobVariableResolver,
  ScriptResolver,
  JobResolver,
  JobHostResultResolver,
  JobMutationResolver,
  JobSubscriptionResolver,
  AuditResolver,
  ItsmServiceResolver,
  TicketResolver,
  TicketMutationResolver,
  TicketSubscriptionResolver,
  ApprovalResolver,
  ApprovalMutationResolver,
  ApprovalSubscriptionResolver,
];
