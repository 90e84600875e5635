import { sql } from 'kysely';
import type { Store } from '../store';
import { unavailableReason } from '../store/errors';
import { EventBusUnavailableError } from './errors';
import { encodeEvent } from './message';
import type { EventPayload } from './bus';

/**
 * Publishes with `pg_notify` through the store's own pool (or PGlite), so the dedicated LISTEN
 * connection only listens. Postgres delivers it to every listener of the channel, this process's
 * included, when the statement commits.
 */
export function notifyPublisher(store: Store, channel: string, isClosed: () => boolean) {
  return async (topic: string, payload: EventPayload): Promise<void> => {
    const message = encodeEvent(topic, payload);
    if (isClosed()) throw new EventBusUnavailableError(store.kind, 'closed');
    try {
      await sql`select pg_notify(${channel}, ${message})`.execute(store.db);
    } catch (error) {
      const reason = unavailableReason(error);
      throw reason === null ? error : new EventBusUnavailableError(store.kind, reason);
    }
  };
}
