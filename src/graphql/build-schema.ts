import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema as buildTypeGraphQLSchema, type NonEmptyArray } from 'type-graphql';
import { guardResolvers } from './execution-guard';
import { leanFieldResolvers } from './lean-resolvers';

/**
 * Builds the executable schema from the resolver classes (resolvers/index.ts, handed in by the
 * composition root). Arguments are validated in code (bad input is BAD_USER_INPUT naming the
 * field), not by class-validator.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- type-graphql's own resolver list type
export async function buildSchema(resolvers: NonEmptyArray<Function>): Promise<GraphQLSchema> {
  const options = { resolvers, validate: false, emitSchemaFile: false } as const;
  const schema = await buildTypeGraphQLSchema(options);
  // type-graphql has no decorator for the root types; their descriptions are set here.
  const query = schema.getQueryType();
  if (query)
    query.description = 'Reads over BlueKing: who is calling, businesses, topology, hosts, agents and apps.';
  leanFieldResolvers(schema, options);
  // After the lean resolvers replaced theirs: the guard wraps whatever each field runs.
  guardResolvers(schema);
  return schema;
}
