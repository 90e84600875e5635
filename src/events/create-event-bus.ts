import type { Store } from '../store';
import type { StoreLogger } from '../store/logger';
import type { EventBus } from './bus';
import { DEFAULT_REDIS_NAMESPACE, pgChannelName } from './channel';
import { createPgEventBus } from './pg-bus';
import { createPgliteEventBus } from './pglite-bus';
import { createRedisEventBus } from './redis-bus';

export interface EventBusOptions {
  /** `REDIS_URL`: when set, events go through Redis whatever the store. */
  redisUrl: string | null;
  /** Without Redis, events go through the store's database (LISTEN/NOTIFY). */
  store: Store;
  /** `DATABASE_URL`, for the LISTEN connection of a Postgres store. */
  databaseUrl: string | null;
  /**
   * Keeps this bus's events apart from other schemas' on the same Postgres (channel
   * `bk_graph_events_<schema>`) or Redis (namespace `bk-graph:events:<schema>`).
   * @default the store's schema
   */
  schema?: string;
  /**
   * Redis channel.
   * @default 'bk-graph:events', with `:<schema>` when the schema is not `public`
   */
  namespace?: string;
  logger?: StoreLogger;
}

/** The bus for this deployment: Redis if configured, else the store's own database. */
export function createEventBus({
  redisUrl,
  store,
  databaseUrl,
  schema = store.schema,
  namespace,
  logger,
}: EventBusOptions): Promise<EventBus> {
  if (redisUrl) {
    const scoped = schema === 'public' ? DEFAULT_REDIS_NAMESPACE : `${DEFAULT_REDIS_NAMESPACE}:${schema}`;
    return createRedisEventBus({ redisUrl, namespace: namespace ?? scoped, logger });
  }
  const channel = pgChannelName(schema);
  if (store.kind === 'pglite') return createPgliteEventBus({ store, channel });
  if (!databaseUrl) {
    throw new TypeError('A Postgres store needs its databaseUrl for the event bus, but got none.');
  }
  return createPgEventBus({ databaseUrl, store, channel, logger });
}
