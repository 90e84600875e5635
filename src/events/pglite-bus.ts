import type { Store } from '../store';
import type { EventBus } from './bus';
import { LocalFanout } from './fanout';
import { notifyPublisher } from './notify';

/**
 * LISTEN/NOTIFY inside the embedded PGlite: one process owns its data directory, so this bus
 * only ever reaches the process's own subscribers, through the same code path as Postgres.
 */
export async function createPgliteEventBus({
  store,
  channel,
}: {
  store: Store;
  channel: string;
}): Promise<EventBus> {
  const pglite = store.pglite;
  if (!pglite)
    throw new TypeError(`The PGlite event bus needs a PGlite store, but got a ${store.kind} store.`);
  const fanout = new LocalFanout();
  const unlisten = await pglite.listen(channel, (text) => fanout.deliver(text));
  let closed = false;
  return {
    kind: 'pglite',
    publish: notifyPublisher(store, channel, () => closed),
    subscribe: (topic, signal) => fanout.subscribe(topic, signal),
    async close() {
      if (closed) return;
      closed = true;
      fanout.close();
      // The store may be closed first (shutdown order is the caller's); then there is nothing to undo.
      if (!pglite.closed) await unlisten().catch(() => undefined);
    },
  };
}
