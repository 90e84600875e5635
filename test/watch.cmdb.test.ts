import { randomUUID } from 'node:crypto';
import { createCache, type Cache } from '../src/cache';
import { loadConfig, type Config } from '../src/config';
import { createClients, type Clients } from '../src/upstream/clients';
import { createUpstreamCaller, type UpstreamHttpCaller } from '../src/upstream/http/caller';
import type { CallContext } from '../src/upstream/types';
import { startCmdbWatcher, type CmdbWatcher } from '../src/watch/cmdb-watcher';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';

const admin = { tenantId: null, username: 'admin' };
const adminCtx: CallContext = {
  credentials: { kind: 'bk_token', bkToken: 'token-admin' },
  requestId: 'watch-test',
};

interface World {
  sandbox: TestSandbox;
  config: Config;
  caller: UpstreamHttpCaller;
  clients: Clients;
}

async function startWorld(watchTimeoutMs: number): Promise<World> {
  const sandbox = await startTestSandbox({ watchTimeoutMs });
  const config = loadConfig({
    BK_API_URL_TMPL: `${sandbox.url}/api/{api_name}/`,
    BK_APP_CODE: sandbox.appCode,
    BK_APP_SECRET: sandbox.appSecret,
  });
  const caller = createUpstreamCaller({ config: config.upstream });
  return { sandbox, config, caller, clients: createClients(caller, config) };
}

async function stopWorld(w: World): Promise<void> {
  await w.caller.close();
  await w.sandbox.close();
}

async function waitFor(
  what: string,
  cond: () => Promise<boolean> | boolean,
  timeoutMs = 5000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Caches a probe entry of `kind` for a business; `isEvicted()` tells whether it had to load again. */
async function probe(cache: Cache, kind: 'hosts' | 'relations' | 'topology' | 'business', bizId?: string) {
  const key = `probe-${randomUUID()}`;
  const opts = bizId === undefined ? {} : { bizId };
  await cache.forRequest(admin).getOrLoad(kind, key, async () => 'cached', opts);
  return {
    async isEvicted(): Promise<boolean> {
      let loaded = false;
      await cache.forRequest(admin).getOrLoad(
        kind,
        key,
        async () => {
          loaded = true;
          return 'cached';
        },
        opts,
      );
      return loaded;
    },
  };
}

async function transfer(sandbox: TestSandbox, hostId: string, moduleIds: number[]): Promise<void> {
  const res = await fetch(`${sandbox.url}/_sandbox/cmdb/hosts/${hostId}/transfer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ bk_module_ids: moduleIds }),
  });
  expect(res.status).toBe(200);
}

/** A host of one business and another module of that business to move it to. */
async function moveTarget(
  clients: Clients,
): Promise<{ bizId: string; otherBizId: string; hostId: string; moduleIds: number[] }> {
  const businesses = (await clients.cmdb.allBusinesses({}, adminCtx)).filter((b) => !b.isResourcePool);
  for (const biz of businesses) {
    const hosts = await clients.cmdb.listBizHostsTopo({ bizId: biz.id, start: 0, limit: 5 }, adminCtx);
    const modules = await clients.cmdb.allModules({ bizId: biz.id }, adminCtx);
    const host = hosts.items[0];
    if (!host) continue;
    const current = new Set(host.modules.map((m) => m.id));
    const target = modules.find((m) => !current.has(m.id) && m.kind === 'NORMAL');
    const other = businesses.find((b) => b.id !== biz.id);
    if (target && other)
      return { bizId: biz.id, otherBizId: other.id, hostId: host.host.id, moduleIds: [Number(target.id)] };
  }
  throw new Error('the sandbox has no host that can move');
}

describe('CMDB watcher against the sandbox', () => {
  let world: World;
  let cache: Cache;
  const watchers: CmdbWatcher[] = [];
  const start = () => {
    const w = startCmdbWatcher({
      cmdb: world.clients.cmdb,
      cache,
      store: cache.kv,
      config: world.config,
      backoff: { initialMs: 50, maxMs: 200 },
    });
    watchers.push(w);
    return w;
  };

  beforeAll(async () => {
    world = await startWorld(400);
    cache = createCache(world.config, { namespace: `watch-test-${randomUUID()}` });
  });
  afterAll(async () => {
    await Promise.all(watchers.map((w) => w.stop()));
    await cache.close();
    await stopWorld(world);
  });

  it('evicts the hosts of both businesses a host moves between within one watch cycle, and nothing else', async () => {
    const watcher = start();
    await waitFor('first idle poll', () => watcher.stats().polls >= 5);
    const { bizId, otherBizId, hostId, moduleIds } = await moveTarget(world.clients);
    const moved = await probe(cache, 'hosts', bizId);
    const untouched = await probe(cache, 'hosts', otherBizId);
    const business = await probe(cache, 'business');

    await transfer(world.sandbox, hostId, moduleIds);
    await waitFor('hosts of the business evicted', () => moved.isEvicted());
    expect(await untouched.isEvicted()).toBe(false);
    expect(await business.isEvicted()).toBe(false);
    expect(watcher.stats().eventsSeen).toBeGreaterThanOrEqual(2);
    await watcher.stop();
  });

  it('keeps its cursor in the store and continues from it after a restart', async () => {
    const first = start();
    await waitFor('first idle poll', () => first.stats().polls >= 5);
    const target = await moveTarget(world.clients);
    await transfer(world.sandbox, target.hostId, target.moduleIds);
    await waitFor('event seen', () => first.stats().eventsSeen >= 2);
    await first.stop();
    const saved = await cache.kv.get<{ cursor?: string }>('watch::host_relation');
    expect(saved?.cursor).toEqual(expect.any(String));

    // Changed while no watcher runs: only a watcher that resumes from the cursor can notice.
    const next = await moveTarget(world.clients);
    const whileStopped = await probe(cache, 'hosts', next.bizId);
    await transfer(world.sandbox, next.hostId, next.moduleIds);
    expect(await whileStopped.isEvicted()).toBe(false);

    const second = start();
    await waitFor('change made while stopped evicted', () => whileStopped.isEvicted());
    expect(second.stats().eventsSeen).toBeGreaterThanOrEqual(2);
    await second.stop();
  });

  it('recovers from an expired cursor by evicting the whole kinds and watching from now', async () => {
    const watcher = start();
    await waitFor('first idle poll', () => watcher.stats().polls >= 5);
    const a = await moveTarget(world.clients);
    await transfer(world.sandbox, a.hostId, a.moduleIds);
    await waitFor('event seen', () => watcher.stats().eventsSeen >= 2);

    const anyBusiness = await probe(cache, 'hosts', a.otherBizId);
    const relations = await probe(cache, 'relations');
    const expired = await fetch(`${world.sandbox.url}/_sandbox/cmdb/watch/expire`, { method: 'POST' });
    expect(expired.status).toBe(200);
    await waitFor('restart after 1103007', () => watcher.stats().restarts >= 1);
    expect(await anyBusiness.isEvicted()).toBe(true);
    expect(await relations.isEvicted()).toBe(true);

    // Watching again: a later move is still noticed.
    await waitFor('polling again', async () => {
      const before = watcher.stats().polls;
      await new Promise((r) => setTimeout(r, 450));
      return watcher.stats().polls > before;
    });
    const b = await moveTarget(world.clients);
    const after = await probe(cache, 'hosts', b.bizId);
    await transfer(world.sandbox, b.hostId, b.moduleIds);
    await waitFor('move after recovery evicted', () => after.isEvicted());
    await watcher.stop();
  });
});

describe('stopping the CMDB watcher', () => {
  it('aborts long polls in flight instead of waiting for them to end', async () => {
    const world = await startWorld(15_000);
    const cache = createCache(world.config, { namespace: `watch-stop-${randomUUID()}` });
    try {
      const watcher = startCmdbWatcher({
        cmdb: world.clients.cmdb,
        cache,
        store: cache.kv,
        config: world.config,
      });
      await new Promise((r) => setTimeout(r, 200));
      let timer: NodeJS.Timeout | undefined;
      const outcome = await Promise.race([
        watcher.stop().then(() => 'stopped'),
        new Promise((r) => (timer = setTimeout(() => r('still polling'), 1000))),
      ]);
      clearTimeout(timer);
      expect(outcome).toBe('stopped');
      expect(watcher.stats().polls).toBe(0);
    } finally {
      await cache.close();
      await stopWorld(world);
    }
  });
});
