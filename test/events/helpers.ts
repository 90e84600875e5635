import type { EventBus, EventPayload } from '../../src/events';

/** The next event of a subscription, or a failure after `ms` (so a lost event fails fast, not at the test timeout). */
export async function nextEvent(
  sub: AsyncIterableIterator<EventPayload>,
  ms = 3000,
): Promise<IteratorResult<EventPayload, unknown>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      sub.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no event within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether any event arrives on `sub` within `ms` (the subscription is ended afterwards). */
export async function receivesWithin(sub: AsyncIterableIterator<EventPayload>, ms: number): Promise<boolean> {
  try {
    await nextEvent(sub, ms);
    return true;
  } catch {
    return false;
  } finally {
    await sub.return?.();
  }
}

/** A payload whose event is `bytes` long or more once encoded. */
export function payloadOf(bytes: number): EventPayload {
  return { blob: 'x'.repeat(bytes) };
}

/** Publishes until `sub` sees the event (a reconnecting bus may miss the first ones). */
export async function publishUntilSeen(
  bus: EventBus,
  sub: AsyncIterableIterator<EventPayload>,
  topic: string,
  deadlineMs = 5000,
): Promise<EventPayload> {
  const until = Date.now() + deadlineMs;
  const seen = sub.next();
  let result: IteratorResult<EventPayload, unknown> | undefined;
  void seen.then((r) => (result = r));
  while (result === undefined) {
    if (Date.now() > until) throw new Error(`no event on ${topic} within ${deadlineMs} ms`);
    await bus.publish(topic, { at: Date.now() }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (result.done) throw new Error('the subscription ended');
  return result.value;
}
