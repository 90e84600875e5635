import type { ClassType, NonEmptyArray } from 'type-graphql';
import { AppResolver } from './app.resolver';
import { BusinessGraphResolver } from './business-graph.resolver';
import { BusinessResolver } from './business.resolver';
import { HostResolver } from './host.resolver';
import { MeResolver } from './me.resolver';
import { ModuleResolver } from './module.resolver';
import { SetResolver } from './set.resolver';
import { TopoNodeResolver } from './topo-node.resolver';

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
];
