import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { QueryLimitsConfig } from '../config';
import type { GraphQLContext } from '../context';
import type { Logger } from '../logger';
import { formatError } from './format-error';
import { jitGateway } from './jit-executor';
import { queryLimitRules } from './limits';
import { errorLoggingPlugin } from './plugins/error-logging.plugin';
import { jsonStatusPlugin } from './plugins/json-status.plugin';
import { operationGuardPlugin } from './plugins/operation-guard.plugin';

export interface ApolloOptions {
  schema: GraphQLSchema;
  limits: QueryLimitsConfig;
  logger: Logger;
  /** Plugins of the HTTP integration (Fastify's drain plugin). */
  plugins?: ApolloServerPlugin<GraphQLContext>[];
  /** Called once per operation compiled by graphql-jit (a metric). */
  onCompiled?: () => void;
}

/**
 * Apollo Server as bk-graph runs it over HTTP: the query limits before anything runs, errors
 * masked and logged, GraphQL-over-HTTP statuses, no landing page (GraphiQL is served by
 * src/routes/graphiql.ts) and no cache-control hints (answers are per identity).
 */
export async function createApollo({
  schema,
  limits,
  logger,
  plugins = [],
  onCompiled,
}: ApolloOptions): Promise<ApolloServer<GraphQLContext>> {
  const apollo = new ApolloServer<GraphQLContext>({
    // The schema is served through a static "gateway" only to run operations with graphql-jit
    // (see jit-executor.ts); parsing, validation, plugins and error formatting stay Apollo's.
    gateway: jitGateway(schema, onCompiled),
    introspection: true,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    formatError,
    logger,
    // Counted while parsing: a document stops being read at the limit (src/graphql/limits.ts).
    parseOptions: { maxTokens: limits.tokens },
    validationRules: queryLimitRules(limits),
    plugins: [
      ...plugins,
      ApolloServerPluginLandingPageDisabled(),
      // The plugin's per-field hook makes Apollo wrap every resolver: a measurable cost on a
      // 1000-host response, for hints bk-graph never sets.
      ApolloServerPluginCacheControlDisabled(),
      errorLoggingPlugin(logger),
      operationGuardPlugin(limits),
      jsonStatusPlugin(),
    ],
  });
  await apollo.start();
  return apollo;
}
