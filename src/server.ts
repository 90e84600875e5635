import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createAuthenticator } from './auth/authenticate';
import { parseCookies } from './auth/cookies';
import { jitGateway } from './graphql/jit-executor';
import { buildSchema } from './graphql/build-schema';
import { createCache } from './cache';
import type { Cache } from './cache';
import type { Config } from './config';
import { createContext } from './context';
import type { GraphQLContext } from './context';
import { BkGraphError, httpStatusOf } from './errors';
import { formatError, isInternalError } from './graphql/format-error';
import { queryLimitRules } from './graphql/limits';
import { describeError, errorLoggingPlugin } from './graphql/plugins/error-logging.plugin';
import { jsonStatusPlugin } from './graphql/plugins/json-status.plugin';
import { operationGuardPlugin } from './graphql/plugins/operation-guard.plugin';
import { createLogger } from './logger';
import type { Logger } from './logger';
import { registerGraphiqlAssets, sendGraphiql, wantsGraphiql } from './routes/graphiql';
import { registerHealthRoutes } from './routes/health';
import type { ReadinessCheck } from './routes/health';
import { registerSandboxProxy } from './routes/sandbox-proxy';
import { createClients } from './upstream/clients';
import type { Clients } from './upstream/clients';
import { createUpstreamCaller } from './upstream/http/caller';
import { startCmdbWatcher } from './watch/cmdb-watcher';
import type { UpstreamHttpCaller } from './upstream/http/caller';

export interface ServerDeps {
  logger?: Logger;
  /** An upstream caller to use instead of one built from `config.upstream` (not closed by us). */
  caller?: UpstreamHttpCaller;
  /** Clients to use instead of ones built on the caller (tests). */
  clients?: Clients;
  /** URL of the in-process sandbox; defaults to the ESB root in sandbox mode. */
  sandboxUrl?: string;
  /** A cache to use instead of one built from the config (not closed by us); null disables caching. */
  cache?: Cache | null;
  /** More readiness conditions (the store adds its own). */
  readinessChecks?: ReadinessCheck[];
}

export interface BkGraphServer {
  readonly app: FastifyInstance;
  /** Starts listening on `config.host:config.port`; resolves to the base URL. */
  listen(): Promise<string>;
  /** Stops accepting, drains in-flight GraphQL requests, closes what this server created. */
  close(): Promise<void>;
  /** Base URL once listening (e.g. http://127.0.0.1:4000), '' before. */
  readonly url: string;
}

/** Incoming X-Request-Id values are echoed and logged, so only plain short tokens are taken. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * A failure while building the context stops the whole request, so it gets an HTTP status of its
 * own (Apollo reads `extensions.http`; the formatted error never shows it).
 */
function withHttpStatus(error: unknown): unknown {
  if (!(error instanceof BkGraphError)) return error;
  return new BkGraphError(error.code, error.message, {
    ...error.extensions,
    http: { status: httpStatusOf(error.code) },
  });
}

export async function createServer(config: Config, deps: ServerDeps = {}): Promise<BkGraphServer> {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const ownCaller = deps.caller === undefined;
  // A nested query fans out one call per business (fleet: 20 at once): the per-system bound must let
  // one GraphQL level go out in a single wave, or latency grows by a round trip per extra wave.
  const caller =
    deps.caller ??
    createUpstreamCaller({
      config: config.upstream,
      logger,
      breaker: config.breaker,
      maxInFlightPerSystem: 48,
      connectionsPerOrigin: 48,
    });
  const clients = deps.clients ?? createClients(caller, config.upstream, { limits: config.batchLimits });
  const ownCache = deps.cache === undefined;
  const cache = deps.cache === undefined ? createCache(config, { logger }) : deps.cache;
  if (cache) await cache.ready(2_000);
  const watcher =
    cache && config.watch.enabled
      ? startCmdbWatcher({ cmdb: clients.cmdb, cache, store: cache.kv, config, logger })
      : null;
  const sandboxUrl = config.sandboxMode ? (deps.sandboxUrl ?? config.upstream.componentApiUrl) : null;

  const app = Fastify({
    // pino's Logger is Fastify's logger; the cast keeps FastifyInstance at its default generics.
    loggerInstance: logger as FastifyBaseLogger,
    genReqId: requestIdOf,
    requestIdHeader: false,
    // Requests are logged once, on response, without headers or query strings (which can hold tokens).
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
    bodyLimit: 1024 * 1024,
  });
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  const authenticator = createAuthenticator({
    verifier: clients.login,
    sandboxMode: config.sandboxMode,
    defaultTenantId: config.upstream.tenantId,
    verifyAccessTokens: config.upstream.componentApiUrl !== null,
  });

  const apollo = new ApolloServer<GraphQLContext>({
    // The schema is served through a static "gateway" only to run operations with graphql-jit
    // (see jit-executor.ts); parsing, validation, plugins and error formatting stay Apollo's.
    gateway: jitGateway(await buildSchema()),
    introspection: true,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    formatError,
    logger,
    // Counted while parsing: a document stops being read at the limit (src/graphql/limits.ts).
    parseOptions: { maxTokens: config.queryLimits.tokens },
    validationRules: queryLimitRules(config.queryLimits),
    plugins: [
      fastifyApolloDrainPlugin(app),
      ApolloServerPluginLandingPageDisabled(),
      // bk-graph sets no HTTP cache hints (answers are per identity), and the plugin's per-field
      // hook makes Apollo wrap every resolver: a measurable cost on a 1000-host response.
      ApolloServerPluginCacheControlDisabled(),
      errorLoggingPlugin(logger),
      operationGuardPlugin(config.queryLimits),
      jsonStatusPlugin(),
    ],
  });
  await apollo.start();

  const buildContext = async (request: FastifyRequest): Promise<GraphQLContext> => {
    const deadline = Date.now() + config.upstream.requestDeadlineMs;
    try {
      const auth = await authenticator.authenticate(
        { headers: request.headers, cookies: parseCookies(request.headers.cookie) },
        request.id,
        deadline,
      );
      return createContext({
        requestId: request.id,
        cache,
        bypassCache: /(^|,)\s*no-cache\s*(,|$)/i.test(String(request.headers['cache-control'] ?? '')),
        limits: config.batchLimits,
        auth,
        clients,
        logger: request.log,
        defaultTenantId: config.upstream.tenantId,
        deadlineMs: config.upstream.requestDeadlineMs,
        maxFields: config.queryLimits.fields,
      });
    } catch (error) {
      if (isInternalError(error))
        request.log.error({ error: describeError(error) }, 'could not build the request context');
      throw withHttpStatus(error);
    }
  };
  const graphql = fastifyApolloHandler(apollo, { context: buildContext });
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

  const checks: ReadinessCheck[] = [
    {
      name: 'upstream',
      check: async () => {
        // Half-open is not healthy yet either: its next call is a probe that may well fail.
        const states = Object.entries(caller.health()).filter(([, state]) => state !== 'closed');
        return states.length
          ? states.map(([system, state]) => `circuit ${state} for ${system}`).join(', ')
          : null;
      },
    },
    ...(deps.readinessChecks ?? []),
  ];
  if (sandboxUrl) {
    checks.push({
      name: 'sandbox',
      check: async () => {
        const answer = await fetch(new URL('/_sandbox/stats', sandboxUrl), {
          signal: AbortSignal.timeout(1_500),
        });
        await answer.body?.cancel();
        return answer.ok ? null : `the sandbox answered HTTP ${answer.status}`;
      },
    });
    await registerSandboxProxy(app, sandboxUrl);
  }
  registerHealthRoutes(app, checks);

  let url = '';
  return {
    app,
    get url() {
      return url;
    },
    async listen() {
      await app.listen({ port: config.port, host: config.host });
      const address = app.server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      url = `http://${host}:${address.port}`;
      return url;
    },
    async close() {
      await watcher?.stop();
      await app.close();
      if (ownCaller) await caller.close();
      if (ownCache) await cache?.close();
    },
  };
}
