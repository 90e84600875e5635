import type { ApolloServer } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GraphQLContext } from '../context';
import { registerGraphiqlAssets, sendGraphiql, wantsGraphiql } from './graphiql';

/** Builds an operation's context from an HTTP request (src/context.ts `ContextFactory`). */
export type HttpContextFn = (request: FastifyRequest) => Promise<GraphQLContext>;

/**
 * `GET|POST /graphql`: GraphiQL for browsers, Apollo for GraphQL clients. WebSocket subscriptions
 * share the path (src/graphql/subscriptions.ts).
 */
export function registerGraphqlRoute(
  app: FastifyInstance,
  apollo: ApolloServer<GraphQLContext>,
  context: HttpContextFn,
): void {
  const graphql = fastifyApolloHandler(apollo, { context });
  const { html } = registerGraphiqlAssets(app, '/graphql');
  app.route({
    method: ['GET', 'POST'],
    url: '/graphql',
    handler: async function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      // Browsers get GraphiQL; GraphQL clients (which never ask for text/html) get Apollo.
      if (request.method === 'GET' && wantsGraphiql(request.headers.accept)) return sendGraphiql(reply, html);
      // Apollo's CSRF prevention refuses GETs without a preflight-forcing header. A forged
      // cross-site request can only ride on ambient credentials, which for bk-graph is the bk_token
      // cookie: a request that carries no cookie cannot be one, so it needs no preflight header
      // (urql's and graphql-request's default GETs then work). Mutations are never run over GET.
      if (request.method === 'GET' && request.headers.cookie === undefined)
        request.headers['apollo-require-preflight'] ??= 'cookieless';
      return graphql.call(
        this,
        request as Parameters<typeof graphql>[0],
        reply as Parameters<typeof graphql>[1],
      );
    },
  });
}
