import {
  createEventBus,
  createRedisEventBus,
  EventBusUnavailableError,
  type EventBus,
} from '../../src/events';
import type { Store } from '../../src/store';
import { closedPort, randomSchema, REDIS_URL } from '../store/fixture';
import { nextEvent, payloadOf, receivesWithin } from './helpers';

describe('event bus over Redis', () => {
  const namespace = `bk-graph:test:${randomSchema('redis')}`;
  let busA: EventBus;
  let busB: EventBus;

  beforeAll(async () => {
    busA = await createRedisEventBus({ redisUrl: REDIS_URL, namespace });
    busB = await createRedisEventBus({ redisUrl: REDIS_URL, namespace });
  });
  afterAll(async () => {
    await Promise.all([busA.close(), busB.close()]);
  });

  it('an event published on one instance reaches subscribers of the topic on another', async () => {
    expect(busA.kind).toBe('redis');
    const sub = busB.subscribe('job.updated');
    const otherTopic = busB.subscribe('ticket.updated');
    await busA.publish('job.updated', { id: 'j1', status: 3 });
    expect(await nextEvent(sub)).toEqual({ done: false, value: { id: 'j1', status: 3 } });
    expect(await receivesWithin(otherTopic, 100)).toBe(false);
    await sub.return?.();
  });

  it('a bus of another namespace does not hear it', async () => {
    const elsewhere = await createRedisEventBus({ redisUrl: REDIS_URL, namespace: `${namespace}:other` });
    try {
      const sub = elsewhere.subscribe('job.updated');
      await busA.publish('job.updated', { id: 'j2' });
      expect(await receivesWithin(sub, 300)).toBe(false);
    } finally {
      await elsewhere.close();
    }
  });

  it('keeps the NOTIFY size limit, so events behave the same on every bus', async () => {
    await expect(busA.publish('big', payloadOf(8000))).rejects.toMatchObject({
      code: 'EVENT_PAYLOAD_TOO_LARGE',
    });
  });

  it('a subscriber ends when its signal aborts', async () => {
    const controller = new AbortController();
    const waiting = busB.subscribe('t', controller.signal).next();
    controller.abort();
    expect(await waiting).toEqual({ done: true, value: undefined });
  });

  it('is what the factory picks when a Redis URL is given, whatever the store', async () => {
    const store = { kind: 'postgres', schema: 'public' } as Store;
    const bus = await createEventBus({ redisUrl: REDIS_URL, store, databaseUrl: null });
    try {
      expect(bus.kind).toBe('redis');
    } finally {
      await bus.close();
    }
  });

  it('fails fast with EventBusUnavailableError when Redis is unreachable, naming no password', async () => {
    const port = await closedPort();
    const started = Date.now();
    const failure = createRedisEventBus({ redisUrl: `redis://:hunter2@127.0.0.1:${port}` });
    await expect(failure).rejects.toBeInstanceOf(EventBusUnavailableError);
    await expect(failure).rejects.toMatchObject({ reason: 'ECONNREFUSED' });
    await failure.catch((error: Error) => expect(error.message).not.toContain('hunter2'));
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
