import type { Authenticated } from './auth/authenticate';
import type { Cache } from './cache';
import { ExecutionGuard } from './graphql/execution-guard';
import type { Credentials, Identity } from './auth/identity';
import type { RequestLogger } from './logger';
import { createLoaders, type BatchLimits, type Loaders } from './loaders';
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

/** The GraphQL context (`@Ctx()`): one per request, never shared. */
export interface GraphQLContext extends RequestContextBase {
  readonly loaders: Loaders;
  /** Stops resolving fields at the deadline and yields the event loop on long passes. */
  readonly guard: ExecutionGuard;
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
  return {
    ...base,
    guard,
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
