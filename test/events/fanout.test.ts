import { LocalFanout } from '../../src/events/fanout';
import { encodeEvent } from '../../src/events/message';

const tick = () => new Promise((r) => setImmediate(r));

describe('local fan-out of one connection’s events', () => {
  it('hands each event to every subscriber of its topic and to no other', async () => {
    const fanout = new LocalFanout();
    const first = fanout.subscribe('ticket');
    const second = fanout.subscribe('ticket');
    const other = fanout.subscribe('job');
    fanout.deliver(encodeEvent('ticket', { sn: 'S1' }));
    expect(await first.next()).toEqual({ done: false, value: { sn: 'S1' } });
    expect(await second.next()).toEqual({ done: false, value: { sn: 'S1' } });
    const pending = other.next();
    fanout.deliver(encodeEvent('job', { id: 'j' }));
    expect(await pending).toEqual({ done: false, value: { id: 'j' } });
    fanout.close();
  });

  it('keeps events a subscriber has not taken yet, in order', async () => {
    const fanout = new LocalFanout();
    const sub = fanout.subscribe('t');
    for (const n of [1, 2, 3]) fanout.deliver(encodeEvent('t', { n }));
    const got: unknown[] = [];
    for await (const event of sub) {
      got.push(event.n);
      if (got.length === 3) break;
    }
    expect(got).toEqual([1, 2, 3]);
    expect(fanout.listenerCount('t')).toBe(0);
  });

  it('ends a waiting subscriber when its signal aborts, and leaves no listener behind', async () => {
    const fanout = new LocalFanout();
    const controller = new AbortController();
    const sub = fanout.subscribe('t', controller.signal);
    expect(fanout.listenerCount('t')).toBe(1);
    const waiting = sub.next();
    controller.abort();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(await sub.next()).toEqual({ done: true, value: undefined });
    expect(fanout.listenerCount('t')).toBe(0);
  });

  it('ends a waiting subscriber on return(), at once', async () => {
    const fanout = new LocalFanout();
    const sub = fanout.subscribe('t');
    const waiting = sub.next();
    await tick();
    await sub.return?.();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(fanout.listenerCount('t')).toBe(0);
  });

  it('a subscription with an already aborted signal is empty', async () => {
    const fanout = new LocalFanout();
    const sub = fanout.subscribe('t', AbortSignal.abort());
    expect(await sub.next()).toEqual({ done: true, value: undefined });
    expect(fanout.listenerCount('t')).toBe(0);
  });

  it('closing ends every subscription', async () => {
    const fanout = new LocalFanout();
    const subs = [fanout.subscribe('a'), fanout.subscribe('b')];
    const waiting = subs.map((s) => s.next());
    fanout.close();
    expect(await Promise.all(waiting)).toEqual([
      { done: true, value: undefined },
      { done: true, value: undefined },
    ]);
    expect(await fanout.subscribe('a').next()).toEqual({ done: true, value: undefined });
  });

  it('treats a topic named "error" like any other and ignores messages that are not events', async () => {
    const fanout = new LocalFanout();
    const sub = fanout.subscribe('error');
    fanout.deliver('not json');
    fanout.deliver(JSON.stringify({ topic: 'error', payload: 'not an object' }));
    fanout.deliver(encodeEvent('error', { ok: true }));
    expect(await sub.next()).toEqual({ done: false, value: { ok: true } });
    fanout.close();
  });
});
