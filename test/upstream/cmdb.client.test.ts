import { isUpstreamError } from '../../src/errors';
import type { UpstreamError } from '../../src/errors';
import { CMDB_LIMITS } from '../../src/upstream/cmdb';
import { asUser, startClientsHarness, TRANSPORTS } from './clients-harness';
import type { ClientsHarness } from './clients-harness';

let h: ClientsHarness;
beforeAll(async () => {
  h = await startClientsHarness();
});
afterAll(() => h.close());

const admin = () => asUser('admin');

/** A business with hosts, found through the client itself. */
async function businessWithHosts(transport: 'apigw' | 'esb') {
  const cmdb = h.clients(transport).cmdb;
  const all = await cmdb.allBusinesses({}, admin());
  for (const biz of all.filter((b) => !b.isResourcePool)) {
    const hosts = await cmdb.listBizHosts({ bizId: biz.id, start: 0, limit: 50 }, admin());
    if (hosts.count > 0) return { biz, hosts };
  }
  throw new Error('the sandbox seeded no business with hosts');
}

describe.each(TRANSPORTS)('cmdb client over %s', (transport) => {
  const cmdb = () => h.clients(transport).cmdb;

  it('pages businesses with a total count and string ids', async () => {
    const page = await cmdb().searchBusiness({ start: 0, limit: 2 }, admin());
    expect(page.count).toBeGreaterThan(2);
    expect(page.items).toHaveLength(2);
    for (const b of page.items) {
      expect(b.id).toMatch(/^\d+$/);
      expect(Array.isArray(b.maintainers)).toBe(true);
    }
    const all = await cmdb().allBusinesses({}, admin());
    expect(all).toHaveLength(page.count);
    expect(new Set(all.map((b) => b.id)).size).toBe(page.count);
  });

  it('filters businesses by ids and by exact name', async () => {
    const [first, second] = (await cmdb().searchBusiness({ start: 0, limit: 2 }, admin())).items;
    const byIds = await cmdb().searchBusiness({ ids: [first!.id, second!.id], start: 0, limit: 10 }, admin());
    expect(byIds.items.map((b) => b.id).sort()).toEqual([first!.id, second!.id].sort());
    const byName = await cmdb().searchBusiness({ names: [first!.name], start: 0, limit: 10 }, admin());
    expect(byName.items.map((b) => b.id)).toEqual([first!.id]);
  });

  it('lists a business’s hosts and finds one again by its inner IP', async () => {
    const { biz, hosts } = await businessWithHosts(transport);
    const host = hosts.items.find((x) => x.innerIp !== '')!;
    expect(host.id).toMatch(/^\d+$/);
    expect(host.innerIps[0]).toBe(host.innerIp);
    expect(host.osType === null || typeof host.osType === 'string').toBe(true);
    const found = await cmdb().listBizHosts(
      { bizId: biz.id, filter: { innerIps: [host.innerIps.join(',')] }, start: 0, limit: 10 },
      admin(),
    );
    expect(found.items.map((x) => x.id)).toContain(host.id);
    expect(await cmdb().allBizHosts({ bizId: biz.id }, admin())).toHaveLength(hosts.count);
  });

  it('answers hosts with their sets and modules, consistent with the topology relations', async () => {
    const { biz } = await businessWithHosts(transport);
    const topo = await cmdb().listBizHostsTopo({ bizId: biz.id, start: 0, limit: 20 }, admin());
    expect(topo.items.length).toBeGreaterThan(0);
    const first = topo.items[0]!;
    expect(first.modules.length).toBeGreaterThan(0);
    const relations = await cmdb().findHostTopoRelation(
      { bizId: biz.id, hostIds: [first.host.id], start: 0, limit: CMDB_LIMITS.relationPage },
      admin(),
    );
    expect(relations.items.map((r) => r.moduleId).sort()).toEqual(first.modules.map((m) => m.id).sort());
    expect(relations.items.every((r) => r.hostId === first.host.id && r.businessId === biz.id)).toBe(true);
  });

  it('answers the topology tree, and the sets, modules and hosts under its nodes', async () => {
    const { biz } = await businessWithHosts(transport);
    const tree = await cmdb().searchBizInstTopo(biz.id, admin());
    expect(tree[0]).toMatchObject({ objectId: 'biz', instanceId: biz.id });
    const setNode = tree[0]!.children.find((c) => c.objectId === 'set')!;
    const moduleNode = setNode.children.find((c) => c.objectId === 'module')!;

    const sets = await cmdb().searchSet(
      { bizId: biz.id, ids: [setNode.instanceId], start: 0, limit: 10 },
      admin(),
    );
    expect(sets.items).toEqual([
      expect.objectContaining({ id: setNode.instanceId, name: setNode.name, businessId: biz.id }),
    ]);
    const allSets = await cmdb().allSets({ bizId: biz.id }, admin());
    expect(allSets.some((s) => s.isBuiltIn)).toBe(true);

    const modules = await cmdb().searchModule(
      { bizId: biz.id, setId: setNode.instanceId, start: 0, limit: 100 },
      admin(),
    );
    expect(modules.items.map((m) => m.id)).toContain(moduleNode.instanceId);
    expect(modules.items.every((m) => m.setId === setNode.instanceId)).toBe(true);
    const byId = await cmdb().searchModule(
      { bizId: biz.id, ids: [moduleNode.instanceId], start: 0, limit: 10 },
      admin(),
    );
    expect(byId.items).toEqual([expect.objectContaining({ id: moduleNode.instanceId, kind: 'NORMAL' })]);
    const allModules = await cmdb().allModules({ bizId: biz.id }, admin());
    expect(allModules.map((m) => m.kind)).toEqual(expect.arrayContaining(['IDLE', 'FAULT', 'RECYCLE']));

    const inModule = await cmdb().findHostByTopo(
      { bizId: biz.id, objectId: 'module', instanceId: moduleNode.instanceId, start: 0, limit: 50 },
      admin(),
    );
    const viaFilter = await cmdb().listBizHosts(
      { bizId: biz.id, moduleIds: [moduleNode.instanceId], start: 0, limit: 50 },
      admin(),
    );
    expect(inModule.count).toBe(viaFilter.count);
    expect(inModule.items.map((x) => x.id).sort()).toEqual(viaFilter.items.map((x) => x.id).sort());
  });

  it('ends a quiet watch with no events and a cursor to continue from', async () => {
    const r = await cmdb().resourceWatch(
      { resource: 'host', fields: ['bk_host_id', 'bk_host_innerip'] },
      admin(),
    );
    expect(r.events).toEqual([]);
    expect(r.watched).toBe(false);
    expect(r.nextCursor).not.toBe('');
  });

  it('sees host changes from a start time, then after the cursor it was given', async () => {
    const { hosts } = await businessWithHosts(transport);
    const host = hosts.items[0]!;
    const fields = ['bk_host_id', 'bk_host_name'];
    const rename = async (name: string) => {
      const res = await fetch(`${h.sandbox.url}/_sandbox/cmdb/hosts/${host.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ bk_host_name: name }),
      });
      expect(res.status).toBe(200);
    };
    const since = new Date(Date.now() - 2000);
    await rename(`first-${transport}`);
    const r1 = await cmdb().resourceWatch({ resource: 'host', fields, startFrom: since }, admin());
    expect(r1.watched).toBe(true);
    expect(r1.events.at(-1)).toMatchObject({
      resource: 'host',
      type: 'update',
      detail: { bk_host_id: Number(host.id), bk_host_name: `first-${transport}` },
    });
    expect(r1.nextCursor).toBe(r1.events.at(-1)!.cursor);

    await rename(`second-${transport}`);
    const r2 = await cmdb().resourceWatch({ resource: 'host', fields, cursor: r1.nextCursor }, admin());
    expect(r2.events.map((e) => e.detail?.bk_host_name)).toEqual([`second-${transport}`]);
  });

  it('fails with FORBIDDEN and the IAM permission when bob lists hosts', async () => {
    const { biz } = await businessWithHosts(transport);
    const err = (await cmdb()
      .listBizHosts({ bizId: biz.id, start: 0, limit: 10 }, asUser('bob'))
      .catch((e: unknown) => e)) as UpstreamError;
    expect(isUpstreamError(err)).toBe(true);
    expect(err.kind).toBe('permission');
    expect(err.upstream).toMatchObject({ system: 'cmdb', api: 'list_biz_hosts', code: 9900403 });
    expect(err.extensions.code).toBe('FORBIDDEN');
    expect(err.extra.permission).toMatchObject({ system_id: 'bk_cmdb', actions: expect.any(Array) });
  });
});

describe('cmdb client input checks', () => {
  it('rejects a non-numeric business id as BAD_USER_INPUT without calling CMDB', async () => {
    await h.sandbox.reset();
    await expect(
      h.clients('apigw').cmdb.listBizHosts({ bizId: 'x1', start: 0, limit: 1 }, admin()),
    ).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'bizId' },
    });
    expect((await h.sandbox.stats()).total).toBe(0);
  });
});
