import type { Authenticated, Authenticator } from './auth/authenticate';
import { parseCookies } from './auth/cookies';
import type { Config } from './config';
import type { Cache } from './cache';
import { ExecutionGuard } from './graphql/execution-guard';
import type { Credentials, Identity } from './auth/identity';
import type { RequestLogger } from './logger';
import { createLoaders, type BatchLimits, type Loaders } from './loaders';
import { UnauthenticatedError } from './errors';
import type { Actor, Services } from './services';
import type { Clients } from './upstream/clients';
import type { CallContext } from './upstream/types';

/** Everything a request knows before its loaders exist (the loader factory receives this). */
export interface RequestContextBase {
  /** X-Request-Id of the incoming request (or generated), propagated upstream and echoed back. */
  readonly requestId: string;
  readonly credentials: Credentials;
  /** The verified caller; null for access tokens until bk-login is asked (Query.me). */
  readonly identity: Identity | null;
  /** Tenant forwarded upstream (X-Bk-Tenant-Id): the verified user's, else the configured one. */
  readonly tenantId: string | null;
  /** A stable, non-secret key of the caller: part of every identity-scoped cache key. */
  readonly identityKey: string;
  /** Epoch ms after which no upstream attempt of this request may start. */
  readonly deadline: number;
  readonly clients: Clients;
  readonly logger: RequestLogger;
  /** What every upstream call of this request carries: credentials, tenant, request id, deadline. */
  callContext(): CallContext;
}

/**
 * The GraphQL context (`@Ctx()`): one per operation (an HTTP request, or one subscription over
 * WebSocket), never shared. Built from what the caller presented, not from a framework's request,
 * so HTTP and WebSocket build it alike.
 */
export interface GraphQLContext extends RequestContextBase {
  readonly loaders: Loaders;
  /** Stops resolving fields at the deadline and yields the event loop on long passes. */
  readonly guard: ExecutionGuard;
  /** The write side (jobs, tickets, approvals, audit): one per process. */
  readonly services: Services;
  /**
   * Who a mutation acts for: the verified caller with their own credentials. UNAUTHENTICATED when
   * bk-graph does not know who the caller is (an access token it could not describe).
   */
  actor(): Actor;
}

export interface ContextInput {
  requestId: string;
  /** The process's cache (null = no caching); the request sees it scoped to its tenant and caller. */
  cache: Cache | null;
  /** The request said `Cache-Control: no-cache`: read nothing cached, still store fresh answers. */
  bypassCache: boolean;
  limits: BatchLimits;
  auth: Authenticated;
  clients: Clients;
  logger: RequestLogger;
  defaultTenantId: string | null;
  /** Milliseconds the whole request may spend upstream. */
  deadlineMs: number;
  /** Most fields with resolvers the request may resolve. */
  maxFields: number;
  /** Aborted when the client goes away, so pending upstream calls stop early. */
  signal?: AbortSignal;
  services: Services;
}

export function createContext(input: ContextInput): GraphQLContext {
  const { requestId, auth, clients, logger, signal } = input;
  const deadline = Date.now() + input.deadlineMs;
  const tenantId = auth.identity?.tenantId ?? input.defaultTenantId;
  const callContext: CallContext = {
    credentials: auth.credentials,
    tenantId,
    requestId,
    deadline,
    ...(signal ? { signal } : {}),
  };
  const base: RequestContextBase = {
    requestId,
    credentials: auth.credentials,
    identity: auth.identity,
    tenantId,
    identityKey: auth.identityKey,
    deadline,
    clients,
    logger,
    callContext: () => callContext,
  };
  const guard = new ExecutionGuard(deadline, input.maxFields);
  const identity = auth.identity;
  return {
    ...base,
    guard,
    services: input.services,
    actor(): Actor {
      if (!identity)
        throw new UnauthenticatedError(
          'bk-graph does not know whose access_token this is, so it cannot act for it: use a bk_token, or configure BK_COMPONENT_API_URL',
        );
      return {
        username: identity.username,
        tenantId,
        credentials: auth.credentials,
        requestId,
        deadline,
        mode: 'user',
      };
    },
    loaders: createLoaders({
      schedule: guard.afterWave,
      clients,
      callContext: base.callContext,
      cache:
        input.cache?.forRequest(
          { tenantId, username: auth.identity?.username ?? auth.identityKey },
          { bypass: input.bypassCache },
        ) ?? null,
      limits: input.limits,
    }),
  };
}

/** What an operation's caller presented, however it arrived (HTTP request or WebSocket upgrade). */
export interface OperationSource {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly requestId: string;
  readonly logger: RequestLogger;
  readonly signal?: AbortSignal;
  /** @default the configured request deadline */
  readonly deadlineMs?: number;
  /** @default the configured field budget */
  readonly maxFields?: number;
}

export interface ContextFactoryDeps {
  config: Pick<Config, 'upstream' | 'batchLimits' | 'queryLimits'>;
  authenticator: Authenticator;
  cache: Cache | null;
  clients: Clients;
  services: Services;
}

/** Builds operation contexts: authenticates what the caller presented, then `createContext`. */
export type ContextFactory = (source: OperationSource) => Promise<GraphQLContext>;

export function createContextFactory({
  config,
  authenticator,
  cache,
  clients,
  services,
}: ContextFactoryDeps): ContextFactory {
  return async (source) => {
    const deadlineMs = source.deadlineMs ?? config.upstream.requestDeadlineMs;
    const cookie = source.headers.cookie;
    const auth = await authenticator.authenticate(
      { headers: source.headers, cookies: parseCookies(Array.isArray(cookie) ? cookie[0] : cookie) },
      source.requestId,
      Date.now() + deadlineMs,
    );
    return createContext({
      requestId: source.requestId,
      cache,
      bypassCache: /(^|,)\s*no-cache\s*(,|$)/i.test(String(source.headers['cache-control'] ?? '')),
      limits: config.batchLimits,
      auth,
      clients,
      logger: source.logger,
      defaultTenantId: config.upstream.tenantId,
      deadlineMs,
      maxFields: source.maxFields ?? config.queryLimits.fields,
      ...(source.signal ? { signal: source.signal } : {}),
      services,
    });
  };
}
