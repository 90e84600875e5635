import { Client } from 'pg';
import type { Store } from '../store';
import { unavailableReason } from '../store/errors';
import type { StoreLogger } from '../store/logger';
import type { EventBus } from './bus';
import { EventBusUnavailableError } from './errors';
import { LocalFanout } from './fanout';
import { notifyPublisher } from './notify';

export interface PgEventBusOptions {
  /** The same database as the store's; the LISTEN connection is opened from it. */
  databaseUrl: string;
  /** A Postgres store: events are published through its pool. */
  store: Store;
  /** From pgChannelName(schema). */
  channel: string;
  logger?: StoreLogger;
  /**
   * Bound on opening the LISTEN connection.
   * @default 5000
   */
  connectTimeoutMs?: number;
  /**
   * First delay before reconnecting a lost LISTEN connection; doubles (with jitter) per failure.
   * @default 100
   */
  reconnectMinMs?: number;
  /**
   * Longest delay between reconnect attempts.
   * @default 10000
   */
  reconnectMaxMs?: number;
}

const safeReason = (error: unknown) =>
  unavailableReason(error) ?? (error as Error | undefined)?.name ?? 'ended';

/**
 * LISTEN/NOTIFY on one channel over one dedicated connection per process (a pooled connection
 * would drop its LISTEN when released). A lost connection is reopened with backoff; events
 * published meanwhile are not received here (see EventBus).
 */
export async function createPgEventBus({
  databaseUrl,
  store,
  channel,
  logger,
  connectTimeoutMs = 5000,
  reconnectMinMs = 100,
  reconnectMaxMs = 10_000,
}: PgEventBusOptions): Promise<EventBus> {
  const fanout = new LocalFanout();
  let client: Client | null = null;
  let closed = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  function dropped(c: Client, error?: unknown): void {
    if (c !== client || closed) return;
    client = null;
    logger?.warn({ reason: safeReason(error) }, 'event bus: the LISTEN connection was lost; reconnecting');
    c.end().catch(() => undefined);
    reconnectLater();
  }

  async function listen(): Promise<void> {
    const c = new Client({
      connectionString: databaseUrl,
      connectionTimeoutMillis: connectTimeoutMs,
      keepAlive: true,
      application_name: 'bk-graph-events',
    });
    // Attached before connecting: an 'error' without a listener would end the process.
    c.on('error', (error) => dropped(c, error));
    c.on('end', () => dropped(c));
    c.on('notification', (msg) => {
      if (msg.channel === channel && msg.payload !== undefined) fanout.deliver(msg.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${c.escapeIdentifier(channel)}`);
    } catch (error) {
      await c.end().catch(() => undefined);
      throw error;
    }
    if (closed) {
      await c.end().catch(() => undefined);
      return;
    }
    client = c;
  }

  function reconnectLater(): void {
    const delay = Math.min(reconnectMaxMs, reconnectMinMs * 2 ** failures) * (0.5 + Math.random() / 2);
    failures++;
    timer = setTimeout(() => {
      listen().then(
        () => {
          if (closed) return;
          logger?.info({ failures }, 'event bus: the LISTEN connection is back');
          failures = 0;
        },
        (error: unknown) => {
          if (closed) return;
          logger?.warn(
            { reason: safeReason(error), failures },
            'event bus: reconnecting failed; trying again',
          );
          reconnectLater();
        },
      );
    }, delay);
    // A pending reconnect does not keep the process alive on shutdown.
    timer.unref();
  }

  try {
    await listen();
  } catch (error) {
    throw new EventBusUnavailableError('postgres', safeReason(error));
  }

  return {
    kind: 'postgres',
    publish: notifyPublisher(store, channel, () => closed),
    subscribe: (topic, signal) => fanout.subscribe(topic, signal),
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      fanout.close();
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}
