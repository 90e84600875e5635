import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createAuthenticator } from './auth/authenticate';
import { parseCookies } from './auth/cookies';
import { jitGateway } from './jit-executor';
import { buildSchema } from './build-schema';
import { createCache } from './cache';
import type { Cache } from './cache';
import type { Config } from './config';
import { createContext } from './context';
import type { GraphQLContext } from './context';
import { BkGraphError, ErrorCode, isUpstreamError } from './errors';
import { formatError, isInternalError, rootCause } from './format-error';
import { createLogger } from './logger';
import type { Logger } from './logger';
import { registerGraphiqlAssets, sendGraphiql, wantsGraphiql } from './routes/graphiql';
import { registerHealthRoutes } from './routes/health';
import type { ReadinessCheck } from './routes/health';
import { registerSandboxProxy } from './routes/sandbox-proxy';
import { jsonStatusPlugin } from './response-status';
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

const statusByCode: Partial<Record<string, number>> = {
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.RATE_LIMITED]: 429,
  [ErrorCode.UPSTREAM_ERROR]: 502,
  [ErrorCode.UPSTREAM_UNAVAILABLE]: 503,
  [ErrorCode.UPSTREAM_TIMEOUT]: 504,
};

/**
 * A failure while building the context stops the whole request, so it gets an HTTP status of its
 * own (Apollo reads `extensions.http`; the formatted error never shows it).
 */
function withHttpStatus(error: unknown): unknown {
  if (!(error instanceof BkGraphError)) return error;
  const status = statusByCode[error.code] ?? 500;
  return new BkGraphError(error.code, error.message, { ...error.extensions, http: { status } });
}

function errorLoggingPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          for (const error of errors) {
            const cause = rootCause(error);
            const path = error.path?.join('.');
            if (isInternalError(error)) {
              // Name and message only: stacks and upstream details stay out of the logs too.
              const err =
                cause instanceof Error
                  ? { type: cause.name, message: cause.message }
                  : { message: String(cause) };
              contextValue.logger.error({ err, path }, 'internal error while executing a GraphQL request');
            } else if (isUpstreamError(cause)) {
              contextValue.logger.warn(
                { upstream: cause.upstream, kind: cause.kind, code: cause.code, path },
                'upstream call failed',
              );
            }
          }
        },
      };
    },
  };
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
      maxInFlightPerSystem: 48,
      connectionsPerOrigin: 48,
    });
  const clients =
    deps.clients ?? createClients(caller, config.upstream, { concurrency: config.batchLimits.concurrency });
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
    plugins: [
      fastifyApolloDrainPlugin(app),
      ApolloServerPluginLandingPageDisabled(),
      // bk-graph sets no HTTP cache hints (answers are per identity), and the plugin's per-field
      // hook makes Apollo wrap every resolver: a measurable cost on a 1000-host response.
      ApolloServerPluginCacheControlDisabled(),
      errorLoggingPlugin(),
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
      });
    } catch (error) {
      if (isInternalError(error)) {
        const err =
          error instanceof Error ? { type: error.name, message: error.message } : { message: String(error) };
        request.log.error({ err }, 'could not build the request context');
      }
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
        const open = Object.entries(caller.health()).filter(([, state]) => state === 'open');
        return open.length ? `circuit open for ${open.map(([system]) => system).join(', ')}` : null;
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
