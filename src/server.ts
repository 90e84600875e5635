import 'reflect-metadata';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { resolvers } from '../resolvers';
import { createAuthenticator } from './auth/authenticate';
import { createCache, type Cache } from './cache';
import type { Config } from './config';
import { createContextFactory } from './context';
import { BkGraphError, httpStatusOf } from './errors';
import { createEventBus, type EventBus } from './events';
import { createApollo } from './graphql/apollo';
import { buildSchema } from './graphql/build-schema';
import { isInternalError } from './graphql/format-error';
import { describeError } from './graphql/plugins/error-logging.plugin';
import { attachSubscriptionServer } from './graphql/subscriptions';
import { createLogger, type Logger } from './logger';
import { createHttpApp } from './routes/app';
import { registerGraphqlRoute } from './routes/graphql';
import { registerHealthRoutes, type ReadinessCheck } from './routes/health';
import { createMetrics, registerMetricsRoute, type Metrics } from './routes/metrics';
import { registerItsmCallbackRoute } from './routes/itsm-callback';
import { createJobCallbackHandler, registerJobCallbackRoute } from './routes/job-callback';
import { registerSandboxProxy } from './routes/sandbox-proxy';
import { createServices } from './services';
import { openStore, type Store } from './store';
import { createClients, type Clients } from './upstream/clients';
import { createUpstreamCaller, type UpstreamHttpCaller } from './upstream/http/caller';
import { startCmdbWatcher } from './watch/cmdb-watcher';

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
  /** A store to use instead of one opened from the config (not closed by us). */
  store?: Store;
  /** An event bus to use instead of one built from the config (not closed by us). */
  events?: EventBus;
  /** More readiness conditions. */
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

/**
 * The composition root: builds the upstream clients, cache, store, event bus and services, the
 * HTTP app with its routes (GraphQL over HTTP and WebSocket, callbacks, health, the sandbox's
 * control endpoints in sandbox mode) and the background loops, and closes them in reverse order.
 */
export async function createServer(config: Config, deps: ServerDeps = {}): Promise<BkGraphServer> {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const holder = `${hostname()}:${process.pid}`;
  // A nested query fans out one call per business (fleet: 20 at once): the per-system bound must let
  // one GraphQL level go out in a single wave, or latency grows by a round trip per extra wave.
  let metrics: Metrics | null = null;
  const caller =
    deps.caller ??
    createUpstreamCaller({
      config: config.upstream,
      logger,
      breaker: config.breaker,
      maxInFlightPerSystem: 48,
      connectionsPerOrigin: 48,
      onCall: (event) => metrics?.onUpstreamCall(event),
    });
  const clients = deps.clients ?? createClients(caller, config.upstream, { limits: config.batchLimits });
  const cache = deps.cache === undefined ? createCache(config, { logger }) : deps.cache;
  if (cache) await cache.ready(2_000);
  const store =
    deps.store ??
    (await openStore({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      schema: config.databaseSchema,
      logger,
    }));
  const events =
    deps.events ??
    (await createEventBus({
      redisUrl: config.redisUrl,
      store,
      databaseUrl: config.databaseUrl,
      schema: config.databaseSchema,
      namespace: `${config.cache.namespace}:events:${config.databaseSchema}`,
      logger,
    }));
  let url = '';
  const services = createServices({
    store,
    events,
    clients,
    publicUrl: () => config.publicUrl ?? url,
    logger,
    holder,
    config: {
      admins: config.services.admins,
      approvalServiceId: config.services.approvalServiceId,
      serviceAccount: {
        username: config.services.serviceUsername,
        ...(config.services.serviceAccessToken
          ? {
              credentials: { kind: 'access_token', accessToken: config.services.serviceAccessToken } as const,
            }
          : {}),
      },
      reconcileIntervalMs: config.services.reconcileIntervalMs,
      storeKey: config.storeKey,
    },
  });
  const watcher =
    cache && config.watch.enabled
      ? startCmdbWatcher({ cmdb: clients.cmdb, cache, store: cache.kv, config, logger })
      : null;

  const app = createHttpApp(logger);
  metrics = createMetrics({ breakers: () => caller.health(), cache });
  registerMetricsRoute(app, metrics);
  const authenticator = createAuthenticator({
    verifier: clients.login,
    sandboxMode: config.sandboxMode,
    defaultTenantId: config.upstream.tenantId,
    verifyAccessTokens: config.upstream.componentApiUrl !== null,
    verifiedTtlMs: config.cache.ttlSeconds.user * 1000,
  });
  const contextFor = createContextFactory({ config, authenticator, cache, clients, services });
  const schema = await buildSchema(resolvers);
  const apollo = await createApollo({
    schema,
    limits: config.queryLimits,
    logger,
    plugins: [fastifyApolloDrainPlugin(app)],
    onCompiled: metrics.onOperationCompiled,
  });
  registerGraphqlRoute(app, apollo, async (request: FastifyRequest) => {
    try {
      return await contextFor({ headers: request.headers, requestId: request.id, logger: request.log });
    } catch (error) {
      if (isInternalError(error))
        request.log.error({ error: describeError(error) }, 'could not build the request context');
      throw withHttpStatus(error);
    }
  });
  const subscriptions = attachSubscriptionServer({
    httpServer: app.server,
    path: '/graphql',
    schema,
    contextFor,
    limits: config.queryLimits,
    logger,
  });
  registerJobCallbackRoute(
    app,
    createJobCallbackHandler({ store, events, logger, poller: services.jobPoller }),
  );
  registerItsmCallbackRoute(app, services.itsmCallback);

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
    {
      name: 'store',
      check: async () => {
        await store.ping();
        return null;
      },
    },
    ...(deps.readinessChecks ?? []),
  ];
  const sandboxUrl = config.sandboxMode ? (deps.sandboxUrl ?? config.upstream.componentApiUrl) : null;
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
      await subscriptions.close();
      await app.close();
      await services.stop();
      if (!deps.events) await events.close();
      if (!deps.store) await store.close();
      if (!deps.caller) await caller.close();
      if (deps.cache === undefined) await cache?.close();
    },
  };
}
