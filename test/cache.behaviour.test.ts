import { randomUUID } from 'node:crypto';
import { createClient } from '@keyv/redis';
import { createCache, type Cache } from '../src/cache';
import { loadConfig } from '../src/config';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function configFor(redisUrl: string | null, ttl: Partial<Record<'hosts' | 'agent', number>> = {}) {
  const config = loadConfig({});
  return {
    redisUrl,
    cache: { ...config.cache, ttlSeconds: { ...config.cache.ttlSeconds, ...ttl } },
  };
}

const admin = { tenantId: 'default', username: 'admin' };
const alice = { tenantId: 'default', username: 'alice' };

/** A loader that counts its calls and answers `value`. */
function counting<T>(value: T) {
  const fn = jest.fn(async () => value);
  return fn;
}

describe.each([
  ['memory', null],
  ['redis', REDIS_URL],
] as const)('cache on the %s store', (_name, redisUrl) => {
  let cache: Cache;
  const namespace = `bkg-test-${randomUUID()}`;

  beforeAll(async () => {
    cache = createCache(configFor(redisUrl, { hosts: 1 }), { namespace, opTimeoutMs: 2000 });
    expect(await cache.ready()).toBe(true);
  });
  afterAll(async () => {
    await cache.clear();
    await cache.close();
  });

  it('never serves alice an entry admin loaded under the same logical key', async () => {
    await cache.forRequest(admin).getOrLoad('business', 'list', counting(['admin view']));
    const aliceLoad = counting(['alice view']);
    const got = await cache.forRequest(alice).getOrLoad('business', 'list', aliceLoad);
    expect(got).toEqual(['alice view']);
    expect(aliceLoad).toHaveBeenCalledTimes(1);
    const again = counting(['never']);
    expect(await cache.forRequest(admin).getOrLoad('business', 'list', again)).toEqual(['admin view']);
    expect(again).not.toHaveBeenCalled();
  });

  it('keeps tenants apart for the same user and key', async () => {
    await cache
      .forRequest({ tenantId: 't1', username: 'admin' })
      .getOrLoad('app', 'bk-graph', counting('t1'));
    const t2 = counting('t2');
    expect(
      await cache.forRequest({ tenantId: 't2', username: 'admin' }).getOrLoad('app', 'bk-graph', t2),
    ).toBe('t2');
    expect(t2).toHaveBeenCalledTimes(1);
  });

  it('serves a shared entry to every identity of the tenant, but not to another tenant', async () => {
    await cache.forRequest(admin).getOrLoad('agent', 'agent-1', counting({ alive: true }), { shared: true });
    const forAlice = counting({ alive: false });
    expect(await cache.forRequest(alice).getOrLoad('agent', 'agent-1', forAlice, { shared: true })).toEqual({
      alive: true,
    });
    expect(forAlice).not.toHaveBeenCalled();
    const otherTenant = counting({ alive: false });
    await cache
      .forRequest({ tenantId: 'other', username: 'admin' })
      .getOrLoad('agent', 'agent-1', otherTenant, {
        shared: true,
      });
    expect(otherTenant).toHaveBeenCalledTimes(1);
  });

  it('loads again once the kind TTL has passed', async () => {
    await cache.forRequest(admin).getOrLoad('hosts', 'ttl', counting('first'));
    const cachedLoad = counting('second');
    expect(await cache.forRequest(admin).getOrLoad('hosts', 'ttl', cachedLoad)).toBe('first');
    await new Promise((r) => setTimeout(r, 1100));
    expect(await cache.forRequest(admin).getOrLoad('hosts', 'ttl', cachedLoad)).toBe('second');
    expect(cachedLoad).toHaveBeenCalledTimes(1);
  });

  it('with no-cache reads fresh and writes the fresh value for later requests', async () => {
    await cache.forRequest(admin).getOrLoad('business', 'bypass', counting('old'));
    const fresh = counting('new');
    expect(await cache.forRequest(admin, { bypass: true }).getOrLoad('business', 'bypass', fresh)).toBe(
      'new',
    );
    expect(fresh).toHaveBeenCalledTimes(1);
    const later = counting('never');
    expect(await cache.forRequest(admin).getOrLoad('business', 'bypass', later)).toBe('new');
    expect(later).not.toHaveBeenCalled();
  });

  it('does not cache a failed load', async () => {
    const failing = jest.fn(async () => {
      throw new Error('upstream down');
    });
    await expect(cache.forRequest(admin).getOrLoad('business', 'err', failing)).rejects.toThrow(
      'upstream down',
    );
    const ok = counting('recovered');
    expect(await cache.forRequest(admin).getOrLoad('business', 'err', ok)).toBe('recovered');
    expect(ok).toHaveBeenCalledTimes(1);
  });

  it('runs one load for concurrent identical requests, and separate loads per identity', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const load = jest.fn(async () => {
      await gate;
      return { n: 1 };
    });
    const a = cache.forRequest(admin).getOrLoad('topology', 'inflight', load, { bizId: '2' });
    const b = cache.forRequest(admin).getOrLoad('topology', 'inflight', load, { bizId: '2' });
    const c = cache.forRequest(alice).getOrLoad('topology', 'inflight', load, { bizId: '2' });
    await new Promise((r) => setTimeout(r, 50));
    release();
    expect(await Promise.all([a, b, c])).toEqual([{ n: 1 }, { n: 1 }, { n: 1 }]);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('invalidates a business for every identity and tenant, and a whole kind for every business', async () => {
    const otherTenant = { tenantId: 'other', username: 'admin' };
    for (const who of [admin, alice, otherTenant]) {
      await cache.forRequest(who).getOrLoad('hosts', 'page', counting('biz2'), { bizId: '2' });
      await cache.forRequest(who).getOrLoad('hosts', 'page', counting('biz3'), { bizId: '3' });
    }
    await cache.invalidate('hosts', '2');
    for (const who of [admin, alice, otherTenant]) {
      const reload2 = counting('biz2-new');
      expect(await cache.forRequest(who).getOrLoad('hosts', 'page', reload2, { bizId: '2' })).toBe(
        'biz2-new',
      );
      expect(reload2).toHaveBeenCalledTimes(1);
      const keep3 = counting('never');
      expect(await cache.forRequest(who).getOrLoad('hosts', 'page', keep3, { bizId: '3' })).toBe('biz3');
      expect(keep3).not.toHaveBeenCalled();
    }
    await cache.invalidate('hosts');
    const reload3 = counting('biz3-new');
    expect(await cache.forRequest(alice).getOrLoad('hosts', 'page', reload3, { bizId: '3' })).toBe(
      'biz3-new',
    );
    expect(reload3).toHaveBeenCalledTimes(1);
  });

  it('reads generations once per request: an invalidation applies from the next request on', async () => {
    const request = cache.forRequest(admin);
    await request.getOrLoad('sets', 'memo', counting('before'));
    await cache.invalidate('sets');
    expect(await request.getOrLoad('sets', 'memo', counting('never'))).toBe('before');
    expect(await cache.forRequest(admin).getOrLoad('sets', 'memo', counting('after'))).toBe('after');
  });

  it('loads only the missing keys of a batch and keeps Dates', async () => {
    const when = new Date('2024-05-01T10:00:00.000Z');
    const first = jest.fn(async (keys: string[]) => new Map(keys.map((k) => [k, { id: k, seen: when }])));
    const request = cache.forRequest(admin);
    const got = await request.getOrLoadMany('agent', ['a', 'b'], first, { shared: true });
    expect([...got.keys()]).toEqual(['a', 'b']);
    const second = jest.fn(async (keys: string[]) => new Map(keys.map((k) => [k, { id: k, seen: when }])));
    const again = await cache
      .forRequest(alice)
      .getOrLoadMany('agent', ['b', 'c', 'a', 'c'], second, { shared: true });
    expect(second).toHaveBeenCalledWith(['c']);
    expect([...again.keys()]).toEqual(['b', 'c', 'a']);
    expect(again.get('a')?.seen).toBeInstanceOf(Date);
    expect(again.get('a')?.seen.toISOString()).toBe(when.toISOString());
  });

  it('does not cache keys a batch load left out', async () => {
    const partial = jest.fn(async () => new Map([['x', 1]]));
    const got = await cache.forRequest(admin).getOrLoadMany('relations', ['x', 'y'], partial);
    expect([...got.entries()]).toEqual([['x', 1]]);
    const next = jest.fn(async (keys: string[]) => new Map(keys.map((k) => [k, 2])));
    await cache.forRequest(admin).getOrLoadMany('relations', ['x', 'y'], next);
    expect(next).toHaveBeenCalledWith(['y']);
  });

  it('with no-cache joins a batch load that began after the request did, never one that began before', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const gated = (tag: string) =>
      jest.fn(async (keys: string[]) => {
        await gate;
        return new Map(keys.map((k) => [k, `${tag}-${k}`]));
      });

    // A batch load is in flight once its loader was called.
    const started = async (loader: jest.Mock) => {
      while (loader.mock.calls.length === 0) await new Promise((r) => setImmediate(r));
    };

    const before = gated('before');
    const older = cache.forRequest(admin).getOrLoadMany('agent', ['j1', 'j2'], before, { shared: true });
    await started(before);
    const noCache = cache.forRequest(admin, { bypass: true });
    const later = gated('later');
    const newer = cache.forRequest(alice).getOrLoadMany('agent', ['j3'], later, { shared: true });
    await started(later);
    const own = gated('own');
    const mixed = noCache.getOrLoadMany('agent', ['j1', 'j3'], own, { shared: true });
    release();

    expect([...(await mixed).entries()]).toEqual([
      ['j1', 'own-j1'],
      ['j3', 'later-j3'],
    ]);
    expect(own).toHaveBeenCalledWith(['j1']);
    await Promise.all([older, newer]);
  });

  it('serves a batch answer to the next request while its store write is still pending', async () => {
    const first = jest.fn(async (keys: string[]) => new Map(keys.map((k) => [k, `v-${k}`])));
    await cache.forRequest(admin).getOrLoadMany('agent', ['p', 'q'], first, { shared: true });
    // The store write waits for a timer; this request comes before it fires.
    const second = jest.fn(async (keys: string[]) => new Map(keys.map((k) => [k, 'reloaded'])));
    const got = await cache.forRequest(alice).getOrLoadMany('agent', ['q', 'p'], second, { shared: true });
    expect(second).not.toHaveBeenCalled();
    expect([...got.entries()]).toEqual([
      ['q', 'v-q'],
      ['p', 'v-p'],
    ]);
    // And once written, the store answers on its own.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const third = jest.fn(async (keys: string[]) => new Map(keys.map((k) => [k, 'reloaded'])));
    const stored = await cache.forRequest(admin).getOrLoadMany('agent', ['p'], third, { shared: true });
    expect(third).not.toHaveBeenCalled();
    expect(stored.get('p')).toBe('v-p');
  });

  if (redisUrl) {
    it('puts neither tokens nor usernames into Redis keys', async () => {
      await cache.forRequest(admin).getOrLoad('user', 'token-admin-secret', counting({ username: 'admin' }));
      const client = createClient({ url: redisUrl });
      await client.connect();
      try {
        const keys = await client.keys(`${namespace}*`);
        expect(keys.length).toBeGreaterThan(0);
        for (const key of keys) {
          expect(key).not.toContain('token-admin-secret');
          expect(key).not.toContain('alice');
          expect(key.length).toBeLessThan(120);
        }
      } finally {
        client.destroy();
      }
    });
  }
});

describe('cache in memory, at its size bound', () => {
  it('drops the least recently used entries and keeps the ones just read', async () => {
    const config = loadConfig({});
    // Each value counts about 4 KB (two bytes a character): two fit in 10 KB, three do not.
    const cache = createCache(
      { redisUrl: null, cache: { ...config.cache, memoryMaxMb: 10 / 1024 } },
      { namespace: `bkg-test-${randomUUID()}` },
    );
    const value = (c: string) => c.repeat(2000);
    const stored = () => new Promise((r) => setTimeout(r, 20));
    try {
      await cache.forRequest(admin).getOrLoad('hosts', 'a', counting(value('a')));
      await cache.forRequest(admin).getOrLoad('hosts', 'b', counting(value('b')));
      await stored();
      // Reading a leaves b the least recently used.
      const readA = counting('reloaded');
      expect(await cache.forRequest(admin).getOrLoad('hosts', 'a', readA)).toBe(value('a'));
      expect(readA).not.toHaveBeenCalled();
      await cache.forRequest(admin).getOrLoad('hosts', 'c', counting(value('c')));
      await stored();

      const later = cache.forRequest(admin);
      const reload = { a: counting('reloaded'), b: counting('reloaded'), c: counting('reloaded') };
      expect(await later.getOrLoad('hosts', 'a', reload.a)).toBe(value('a'));
      expect(await later.getOrLoad('hosts', 'c', reload.c)).toBe(value('c'));
      expect(await later.getOrLoad('hosts', 'b', reload.b)).toBe('reloaded');
      expect([reload.a.mock.calls.length, reload.b.mock.calls.length, reload.c.mock.calls.length]).toEqual([
        0, 1, 0,
      ]);
    } finally {
      await cache.close();
    }
  });
});
