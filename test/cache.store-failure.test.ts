import { createServer, type Server, type Socket } from 'node:net';
import { createCache } from '../src/cache';
import { loadConfig } from '../src/config';

function redisConfig(url: string) {
  return { redisUrl: url, cache: loadConfig({}).cache };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('cache when Redis is unavailable', () => {
  it('loads from upstream on every call when nothing listens on the Redis port', async () => {
    const cache = createCache(redisConfig(`redis://127.0.0.1:${await closedPort()}`));
    try {
      const load = jest.fn(async () => ({ ok: true }));
      const request = cache.forRequest({ tenantId: null, username: 'admin' });
      expect(await request.getOrLoad('business', 'k', load)).toEqual({ ok: true });
      expect(
        await cache.forRequest({ tenantId: null, username: 'admin' }).getOrLoad('business', 'k', load),
      ).toEqual({
        ok: true,
      });
      expect(load).toHaveBeenCalledTimes(2);
      const many = await request.getOrLoadMany(
        'agent',
        ['a'],
        async (keys) => new Map(keys.map((k) => [k, 1])),
      );
      expect(many.get('a')).toBe(1);
      await expect(cache.invalidate('hosts')).rejects.toThrow(/unavailable/);
      expect(cache.stats().storeErrors).toBeGreaterThan(0);
    } finally {
      await cache.close();
    }
  });

  it('gives up on a Redis that accepts connections but never answers', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as { port: number };
    const cache = createCache(redisConfig(`redis://127.0.0.1:${port}`), { opTimeoutMs: 100 });
    try {
      const load = jest.fn(async () => 'fresh');
      expect(
        await cache.forRequest({ tenantId: null, username: 'admin' }).getOrLoad('hosts', 'k', load),
      ).toBe('fresh');
      expect(load).toHaveBeenCalledTimes(1);
    } finally {
      await cache.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});
