import { createClient } from '@redis/client';
import type { StoreLogger } from '../store/logger';
import type { EventBus } from './bus';
import { DEFAULT_REDIS_NAMESPACE } from './channel';
import { EventBusUnavailableError } from './errors';
import { LocalFanout } from './fanout';
import { encodeEvent } from './message';

export interface RedisEventBusOptions {
  /** `REDIS_URL`; it may hold a password, so it is never logged or put in an error. */
  redisUrl: string;
  /**
   * The one channel of this deployment's events (every topic travels in it).
   * @default 'bk-graph:events'
   */
  namespace?: string;
  logger?: StoreLogger;
  /**
   * Bound on each connection attempt.
   * @default 5000
   */
  connectTimeoutMs?: number;
  /**
   * Attempts to connect at start-up before giving up (after start-up it retries for ever).
   * @default 3
   */
  startupAttempts?: number;
}

/** What node-redis errors say about themselves (an errno code or the class), never the URL. */
function describe(error: unknown): string {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  if (typeof code === 'string') return code;
  return typeof name === 'string' ? name : 'unknown';
}

/**
 * Redis PUBLISH/SUBSCRIBE: one connection publishes, its duplicate subscribes (a subscribed
 * connection can do nothing else). node-redis reconnects and resubscribes by itself.
 */
export async function createRedisEventBus({
  redisUrl,
  namespace = DEFAULT_REDIS_NAMESPACE,
  logger,
  connectTimeoutMs = 5000,
  startupAttempts = 3,
}: RedisEventBusOptions): Promise<EventBus> {
  let started = false;
  const publisher = createClient({
    url: redisUrl,
    // Fail a publish at once while disconnected rather than queueing it for an unknown time.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: connectTimeoutMs,
      // Before start-up completes, give up after a few attempts so a wrong REDIS_URL fails the
      // start; afterwards retry for ever with backoff (node-redis resubscribes by itself).
      reconnectStrategy: (retries: number) =>
        started || retries + 1 < startupAttempts ? Math.min(5000, 100 * 2 ** retries) : new Error('gave up'),
    },
  });
  const subscriber = publisher.duplicate();
  for (const [role, client] of [
    ['publisher', publisher],
    ['subscriber', subscriber],
  ] as const) {
    client.on('error', (error: unknown) => {
      if (started) logger?.warn({ role, reason: describe(error) }, 'event bus: redis connection error');
    });
  }

  const fanout = new LocalFanout();
  try {
    await Promise.all([publisher.connect(), subscriber.connect()]);
    await subscriber.subscribe(namespace, (message) => fanout.deliver(message));
  } catch (error) {
    // A client that gave up is closed already, and destroy() throws on a closed client.
    for (const client of [publisher, subscriber]) if (client.isOpen) client.destroy();
    // node-redis rejects with a ReconnectStrategyError that carries the socket's error.
    const cause = (error as { socketError?: unknown } | null)?.socketError ?? error;
    throw new EventBusUnavailableError('redis', describe(cause));
  }
  started = true;

  let closed = false;
  return {
    kind: 'redis',
    async publish(topic, payload) {
      const message = encodeEvent(topic, payload);
      if (closed) throw new EventBusUnavailableError('redis', 'closed');
      try {
        await publisher.publish(namespace, message);
      } catch (error) {
        throw new EventBusUnavailableError('redis', describe(error));
      }
    },
    subscribe: (topic, signal) => fanout.subscribe(topic, signal),
    async close() {
      if (closed) return;
      closed = true;
      fanout.close();
      await Promise.allSettled([subscriber.close(), publisher.close()]);
    },
  };
}
