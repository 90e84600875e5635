import { createEventBus, type EventBus } from '../../src/events';
import type { Store } from '../../src/store';
import { notePgliteSkipped, openTestStore, PGLITE_RUNS_UNDER_JEST, randomSchema } from '../store/fixture';
import { nextEvent, payloadOf } from './helpers';

notePgliteSkipped('the event bus');

(PGLITE_RUNS_UNDER_JEST ? describe : describe.skip)('event bus inside PGlite', () => {
  let store: Store;
  let bus: EventBus;

  beforeAll(async () => {
    store = await openTestStore('pglite', randomSchema('bus'));
    bus = await createEventBus({ redisUrl: null, store, databaseUrl: null });
  });
  afterAll(async () => {
    await bus.close();
    await store.close();
  });

  it('is what the factory picks for a PGlite store, and delivers to the process’s subscribers', async () => {
    expect(bus.kind).toBe('pglite');
    const first = bus.subscribe('approval.updated');
    const second = bus.subscribe('approval.updated');
    await bus.publish('approval.updated', { id: 'a1', state: 'APPROVED' });
    expect(await nextEvent(first)).toEqual({ done: false, value: { id: 'a1', state: 'APPROVED' } });
    expect(await nextEvent(second)).toEqual({ done: false, value: { id: 'a1', state: 'APPROVED' } });
    await Promise.all([first.return?.(), second.return?.()]);
  });

  it('rejects an event of 8000 bytes or more', async () => {
    await expect(bus.publish('big', payloadOf(8000))).rejects.toMatchObject({
      code: 'EVENT_PAYLOAD_TOO_LARGE',
    });
  });
});
