import { sql } from 'kysely';
import {
  createEventBus,
  createPgEventBus,
  EventPayloadTooLargeError,
  MAX_EVENT_BYTES,
  pgChannelName,
  type EventBus,
} from '../../src/events';
import type { Store } from '../../src/store';
import { DATABASE_URL, dropAndClose, openTestStore, randomSchema } from '../store/fixture';
import { nextEvent, publishUntilSeen, receivesWithin } from './helpers';

/** Two replicas: each its own store (pool) and bus (LISTEN connection) on one database and schema. */
describe('event bus over Postgres LISTEN/NOTIFY', () => {
  const schema = randomSchema('bus');
  const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
  let storeA: Store;
  let storeB: Store;
  let busA: EventBus;
  let busB: EventBus;

  beforeAll(async () => {
    storeA = await openTestStore('postgres', schema);
    storeB = await openTestStore('postgres', schema);
    busA = await createEventBus({ redisUrl: null, store: storeA, databaseUrl: DATABASE_URL, logger });
    busB = await createEventBus({ redisUrl: null, store: storeB, databaseUrl: DATABASE_URL, logger });
  });
  afterAll(async () => {
    await Promise.all([busA.close(), busB.close()]);
    await storeB.close();
    await dropAndClose(storeA);
  });

  it('an event published on one replica reaches subscribers on both', async () => {
    expect(busA.kind).toBe('postgres');
    const onB = busB.subscribe('ticket.updated');
    const onA = busA.subscribe('ticket.updated');
    await busA.publish('ticket.updated', { sn: 'S1', version: 2 });
    expect(await nextEvent(onB)).toEqual({ done: false, value: { sn: 'S1', version: 2 } });
    expect(await nextEvent(onA)).toEqual({ done: false, value: { sn: 'S1', version: 2 } });
    await Promise.all([onA.return?.(), onB.return?.()]);
  });

  it('a bus of another schema does not hear it', async () => {
    const elsewhere = await createPgEventBus({
      databaseUrl: DATABASE_URL,
      store: storeA,
      channel: pgChannelName(randomSchema('other')),
    });
    try {
      const sub = elsewhere.subscribe('ticket.updated');
      await busA.publish('ticket.updated', { sn: 'S2' });
      expect(await receivesWithin(sub, 300)).toBe(false);
    } finally {
      await elsewhere.close();
    }
  });

  it('takes an event of just under 8000 bytes and rejects one of 8000 with EventPayloadTooLargeError', async () => {
    const overhead = JSON.stringify({ topic: 'big', payload: { blob: '' } }).length;
    const sub = busB.subscribe('big');
    await busA.publish('big', { blob: 'x'.repeat(MAX_EVENT_BYTES - overhead) });
    expect((await nextEvent(sub)).value).toEqual({ blob: expect.stringMatching(/^x+$/) });
    const tooBig = busA.publish('big', { blob: 'x'.repeat(MAX_EVENT_BYTES - overhead + 1) });
    await expect(tooBig).rejects.toBeInstanceOf(EventPayloadTooLargeError);
    await expect(tooBig).rejects.toMatchObject({ code: 'EVENT_PAYLOAD_TOO_LARGE', bytes: 8000 });
    await sub.return?.();
  });

  it('a subscriber ends when its signal aborts', async () => {
    const controller = new AbortController();
    const sub = busB.subscribe('job.updated', controller.signal);
    const waiting = sub.next();
    controller.abort();
    expect(await waiting).toEqual({ done: true, value: undefined });
  });

  it('reconnects a LISTEN connection that the server dropped, without logging the URL', async () => {
    const channel = pgChannelName(schema);
    const sub = busB.subscribe('after.drop');
    // Ends both replicas' LISTEN connections (their last statement was this channel's LISTEN).
    const { rows } = await sql<{ ended: boolean }>`
      select pg_terminate_backend(pid) as ended from pg_stat_activity
      where application_name = 'bk-graph-events' and query = ${`LISTEN "${channel}"`}`.execute(storeA.db);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(await publishUntilSeen(busA, sub, 'after.drop')).toEqual({ at: expect.any(Number) });
    await sub.return?.();
    expect(logger.warn).toHaveBeenCalledWith(
      { reason: '57P01' },
      'event bus: the LISTEN connection was lost; reconnecting',
    );
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain('postgres://');
  });

  it('once closed, its subscribers end and publishing fails with EventBusUnavailableError', async () => {
    const bus = await createPgEventBus({
      databaseUrl: DATABASE_URL,
      store: storeA,
      channel: pgChannelName(schema),
    });
    const waiting = bus.subscribe('x').next();
    await bus.close();
    expect(await waiting).toEqual({ done: true, value: undefined });
    await expect(bus.publish('x', {})).rejects.toMatchObject({ code: 'EVENTS_UNAVAILABLE' });
    await bus.close();
  });
});
