import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema as buildTypeGraphQLSchema } from 'type-graphql';
import { resolvers } from '../resolvers';

/**
 * Builds the executable schema from the resolver classes. Arguments are validated in code (bad
 * input is BAD_USER_INPUT naming the field), not by class-validator.
 */
export function buildSchema(): Promise<GraphQLSchema> {
  return buildTypeGraphQLSchema({ resolvers, validate: false, emitSchemaFile: false });
}
