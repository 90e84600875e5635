import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema as buildTypeGraphQLSchema } from 'type-graphql';
import { resolvers } from '../resolvers';

/**
 * Builds the executable schema from the resolver classes. Arguments are validated in code (bad
 * input is BAD_USER_INPUT naming the field), not by class-validator.
 */
export async function buildSchema(): Promise<GraphQLSchema> {
  const schema = await buildTypeGraphQLSchema({ resolvers, validate: false, emitSchemaFile: false });
  // type-graphql has no decorator for the root types; their descriptions are set here.
  const query = schema.getQueryType();
  if (query)
    query.description = 'Reads over BlueKing: who is calling, businesses, topology, hosts, agents and apps.';
  return schema;
}
