/** The event bus's public surface. */
export type { EventBus, EventBusKind, EventPayload } from './bus';
export { createEventBus, type EventBusOptions } from './create-event-bus';
export { EventBusUnavailableError, EventPayloadTooLargeError } from './errors';
export { MAX_EVENT_BYTES } from './message';
export { pgChannelName, DEFAULT_REDIS_NAMESPACE } from './channel';
export { createPgEventBus, type PgEventBusOptions } from './pg-bus';
export { createPgliteEventBus } from './pglite-bus';
export { createRedisEventBus, type RedisEventBusOptions } from './redis-bus';
