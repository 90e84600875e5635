import { bkFetch, startTestSandbox } from '../helpers/sandbox';
import type { BkAuth, TestSandbox } from '../helpers/sandbox';

const GW = '/api/bk-cmdb/prod';
const ESB = '/api/c/compapi/v2/cc';
const PAGE = { start: 0, limit: 500 };

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(() => sb.close());

const gw = (path: string, body: unknown, auth?: BkAuth) => bkFetch(sb.url, `${GW}${path}`, { body, auth });
const esb = (api: string, body: unknown, auth?: BkAuth) => bkFetch(sb.url, `${ESB}/${api}/`, { body, auth });

function expectOk(res: Awaited<ReturnType<typeof bkFetch>>, transport: 'apigw' | 'esb') {
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({ result: true, code: 0, message: 'success', permission: null });
  if (transport === 'esb') expect(res.json.request_id).toMatch(/^[0-9a-f]{32}$/);
  else expect(res.json).not.toHaveProperty('request_id');
  return res.json.data;
}

describe('CMDB reads on both transports', () => {
  test('search_business lists the resource pool and the normal businesses with default', async () => {
    const data = expectOk(
      await gw('/api/v3/biz/search/0', { fields: ['bk_biz_id', 'bk_biz_name'] }),
      'apigw',
    );
    expect(data.count).toBe(4);
    expect(data.info[0]).toEqual({ bk_biz_id: 1, bk_biz_name: '资源池', default: 1 });
    expect(Object.keys(data.info[1]).sort()).toEqual(['bk_biz_id', 'bk_biz_name', 'default']);
    const viaEsb = expectOk(await esb('search_business', { fields: ['bk_biz_id', 'bk_biz_name'] }), 'esb');
    expect(viaEsb).toEqual(data);
  });

  test('list_biz_hosts pages, sorts and projects hosts of a business', async () => {
    const body = {
      page: { start: 0, limit: 5, sort: '-bk_host_id' },
      fields: ['bk_host_id', 'bk_cloud_id', 'bk_host_innerip'],
    };
    const data = expectOk(await gw('/api/v3/hosts/app/2/list_hosts', body), 'apigw');
    expect(data.count).toBeGreaterThan(5);
    expect(data.info).toHaveLength(5);
    const ids = data.info.map((h: { bk_host_id: number }) => h.bk_host_id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(Object.keys(data.info[0]).sort()).toEqual(['bk_cloud_id', 'bk_host_id', 'bk_host_innerip']);
    const viaEsb = expectOk(await esb('list_biz_hosts', { ...body, bk_biz_id: 2 }), 'esb');
    expect(viaEsb).toEqual(data);
  });

  test('list_biz_hosts filters by modules, set_cond and host_property_filter', async () => {
    const topo = expectOk(await gw('/api/v3/find/topoinst/biz/2', {}), 'apigw');
    const set = topo[0].child[0];
    const moduleId = set.child[0].bk_inst_id;
    const byModule = expectOk(
      await gw('/api/v3/hosts/app/2/list_hosts', {
        page: PAGE,
        fields: ['bk_host_id'],
        bk_module_ids: [moduleId],
      }),
      'apigw',
    );
    const rel = expectOk(
      await gw('/api/v3/host/topo/relation/read', {
        bk_biz_id: 2,
        bk_module_ids: [moduleId],
        page: { start: 0, limit: 1000 },
      }),
      'apigw',
    );
    const expected = [...new Set(rel.data.map((r: { bk_host_id: number }) => r.bk_host_id))];
    expect(byModule.info.map((h: { bk_host_id: number }) => h.bk_host_id)).toEqual(expected);
    const bySetCond = expectOk(
      await gw('/api/v3/hosts/app/2/list_hosts', {
        page: PAGE,
        fields: ['bk_host_id'],
        set_cond: [{ field: 'bk_set_name', operator: '$eq', value: set.bk_inst_name }],
      }),
      'apigw',
    );
    expect(bySetCond.count).toBeGreaterThanOrEqual(byModule.count);
    const linux = expectOk(
      await gw('/api/v3/hosts/app/2/list_hosts', {
        page: PAGE,
        fields: ['bk_host_id', 'bk_os_type', 'bk_cloud_id'],
        host_property_filter: {
          condition: 'AND',
          rules: [
            { field: 'bk_os_type', operator: 'equal', value: '1' },
            { condition: 'OR', rules: [{ field: 'bk_cloud_id', operator: 'in', value: [0, 1] }] },
          ],
        },
      }),
      'apigw',
    );
    expect(linux.count).toBeGreaterThan(0);
    for (const h of linux.info) {
      expect(h.bk_os_type).toBe('1');
      expect([0, 1]).toContain(h.bk_cloud_id);
    }
  });

  test('list_biz_hosts_topo nests each host under its sets and modules', async () => {
    const body = { page: { start: 0, limit: 50 }, fields: ['bk_host_id'] };
    const data = expectOk(await gw('/api/v3/hosts/app/2/list_hosts_topo', body), 'apigw');
    expect(data.count).toBeGreaterThan(0);
    const first = data.info[0];
    expect(Object.keys(first.host)).toEqual(['bk_host_id']);
    expect(first.topo[0]).toEqual({
      bk_set_id: expect.any(Number),
      bk_set_name: expect.any(String),
      module: [{ bk_module_id: expect.any(Number), bk_module_name: expect.any(String) }],
    });
    expect(expectOk(await esb('list_biz_hosts_topo', { ...body, bk_biz_id: 2 }), 'esb')).toEqual(data);
    const onlyNginx = expectOk(
      await gw('/api/v3/hosts/app/2/list_hosts_topo', {
        ...body,
        module_property_filter: {
          condition: 'AND',
          rules: [{ field: 'bk_module_name', operator: 'equal', value: '空闲机' }],
        },
      }),
      'apigw',
    );
    for (const item of onlyNginx.info)
      for (const t of item.topo) for (const m of t.module) expect(m.bk_module_name).toBe('空闲机');
  });

  test('search_biz_inst_topo leaves out the idle set unless with_default is set', async () => {
    const tree = expectOk(await gw('/api/v3/find/topoinst/biz/2', {}), 'apigw');
    expect(tree).toHaveLength(1);
    expect(tree[0]).toMatchObject({ bk_inst_id: 2, bk_obj_id: 'biz', default: 0 });
    expect(tree[0].child.every((s: { default: number }) => s.default === 0)).toBe(true);
    const full = expectOk(
      await bkFetch(sb.url, `${GW}/api/v3/find/topoinst/biz/2`, { body: {}, query: { with_default: 1 } }),
      'apigw',
    );
    const idle = full[0].child.find((s: { default: number }) => s.default === 1);
    expect(idle.bk_inst_name).toBe('空闲机池');
    expect(
      idle.child.map((m: { bk_inst_name: string; default: number }) => [m.bk_inst_name, m.default]),
    ).toEqual([
      ['空闲机', 1],
      ['故障机', 2],
      ['待回收', 3],
    ]);
    expect(expectOk(await esb('search_biz_inst_topo', { bk_biz_id: 2 }), 'esb')).toEqual(tree);
  });

  test('find_host_topo_relation returns one row per host-module pair with a page echo', async () => {
    const data = expectOk(
      await gw('/api/v3/host/topo/relation/read', { bk_biz_id: 2, page: { start: 0, limit: 10 } }),
      'apigw',
    );
    expect(data.page).toEqual({ start: 0, limit: 10 });
    expect(data.data).toHaveLength(10);
    expect(data.data[0]).toEqual({
      bk_biz_id: 2,
      bk_set_id: expect.any(Number),
      bk_module_id: expect.any(Number),
      bk_host_id: expect.any(Number),
      bk_supplier_account: '0',
    });
    expect(
      expectOk(await esb('find_host_topo_relation', { bk_biz_id: 2, page: { start: 0, limit: 10 } }), 'esb'),
    ).toEqual(data);
  });

  test('search_set and search_module answer requested fields plus default, filtered', async () => {
    const sets = expectOk(
      await gw('/api/v3/set/search/0/2', {
        fields: ['bk_set_name'],
        page: { start: 0, limit: 10, sort: 'bk_set_name' },
      }),
      'apigw',
    );
    expect(sets.count).toBeGreaterThanOrEqual(3);
    expect(Object.keys(sets.info[0]).sort()).toEqual(['bk_set_name', 'default']);
    const names = sets.info.map((s: { bk_set_name: string }) => s.bk_set_name);
    expect(names).toEqual([...names].sort());
    const idleOnly = expectOk(
      await esb('search_set', {
        bk_biz_id: 2,
        fields: ['bk_set_id'],
        filter: {
          condition: 'AND',
          rules: [{ field: 'bk_set_name', operator: 'begins_with', value: '空闲' }],
        },
        page: { start: 0, limit: 10 },
      }),
      'esb',
    );
    expect(idleOnly.count).toBe(1);
    const mods = expectOk(
      await gw('/api/v3/module/search/0/2/0', {
        fields: ['bk_module_name', 'bk_set_id'],
        condition: { bk_module_name: { $in: ['空闲机', '故障机'] } },
        page: { start: 0, limit: 10 },
      }),
      'apigw',
    );
    expect(mods.info.map((m: { bk_module_name: string }) => m.bk_module_name)).toEqual(['空闲机', '故障机']);
    expect(mods.info[0]).toEqual({ bk_module_name: '空闲机', bk_set_id: expect.any(Number), default: 1 });
    const inSet = expectOk(
      await esb('search_module', {
        bk_biz_id: 2,
        bk_set_id: mods.info[0].bk_set_id,
        fields: ['bk_module_id'],
        condition: {},
        page: { start: 0, limit: 10 },
      }),
      'esb',
    );
    expect(inSet.count).toBe(3);
  });

  test('find_host_by_topo lists the hosts under a set', async () => {
    const tree = expectOk(await gw('/api/v3/find/topoinst/biz/2', {}), 'apigw');
    const setId = tree[0].child[0].bk_inst_id;
    const data = expectOk(
      await gw('/api/v3/findmany/hosts/by_topo/biz/2', {
        bk_obj_id: 'set',
        bk_inst_id: setId,
        fields: ['bk_host_id', 'bk_cloud_id'],
        page: { start: 0, limit: 500 },
      }),
      'apigw',
    );
    const rel = expectOk(
      await gw('/api/v3/host/topo/relation/read', {
        bk_biz_id: 2,
        bk_set_ids: [setId],
        page: { start: 0, limit: 1000 },
      }),
      'apigw',
    );
    expect(data.count).toBe(new Set(rel.data.map((r: { bk_host_id: number }) => r.bk_host_id)).size);
    expect(
      expectOk(
        await esb('find_host_by_topo', {
          bk_biz_id: 2,
          bk_obj_id: 'set',
          bk_inst_id: setId,
          fields: ['bk_host_id', 'bk_cloud_id'],
          page: { start: 0, limit: 500 },
        }),
        'esb',
      ),
    ).toEqual(data);
  });

  test('search_business supports condition with $regex and biz_property_filter contains', async () => {
    const byRegex = expectOk(
      await gw('/api/v3/biz/search/0', {
        fields: ['bk_biz_name'],
        condition: { bk_biz_name: { $regex: '^user' } },
      }),
      'apigw',
    );
    expect(byRegex.info).toEqual([{ bk_biz_name: 'user-center', default: 0 }]);
    const byFilter = expectOk(
      await gw('/api/v3/biz/search/0', {
        fields: ['bk_biz_id'],
        biz_property_filter: {
          condition: 'OR',
          rules: [
            { field: 'bk_biz_name', operator: 'contains', value: 'PAYMENT' },
            { field: 'bk_biz_id', operator: 'equal', value: 4 },
          ],
        },
      }),
      'apigw',
    );
    expect(byFilter.info.map((b: { bk_biz_id: number }) => b.bk_biz_id)).toEqual([2, 4]);
  });
});

describe('CMDB permissions', () => {
  test('alice reads her businesses and gets 9900403 with the permission object elsewhere', async () => {
    const mine = await gw(
      '/api/v3/set/search/0/3',
      { fields: ['bk_set_id'], page: { start: 0, limit: 10 } },
      { bkToken: 'token-alice' },
    );
    expect(mine.json.result).toBe(true);
    const denied = await gw(
      '/api/v3/set/search/0/2',
      { fields: ['bk_set_id'], page: { start: 0, limit: 10 } },
      { bkToken: 'token-alice' },
    );
    expect(denied.status).toBe(200);
    expect(denied.json).toEqual({
      result: false,
      code: 9900403,
      message: expect.any(String),
      permission: {
        system_id: 'bk_cmdb',
        system_name: expect.any(String),
        actions: [
          {
            id: 'view_business',
            name: '业务访问',
            related_resource_types: [
              {
                system_id: 'bk_cmdb',
                system_name: expect.any(String),
                type: 'biz',
                type_name: expect.any(String),
                instances: [
                  [{ type: 'biz', type_name: expect.any(String), id: '2', name: 'payment-gateway' }],
                ],
              },
            ],
          },
        ],
      },
    });
    expect(denied.json).not.toHaveProperty('data');
  });

  test('search_business shows alice her businesses, bob none, and judges bk_username claims by name', async () => {
    const ids = (res: Awaited<ReturnType<typeof bkFetch>>) =>
      res.json.data.info.map((b: { bk_biz_id: number }) => b.bk_biz_id);
    expect(
      ids(await gw('/api/v3/biz/search/0', { fields: ['bk_biz_id'] }, { bkToken: 'token-alice' })),
    ).toEqual([3, 4]);
    expect(ids(await esb('search_business', { fields: ['bk_biz_id'] }, { username: 'alice' }))).toEqual([
      3, 4,
    ]);
    const bob = await gw('/api/v3/biz/search/0', { fields: ['bk_biz_id'] }, { accessToken: 'at-bob' });
    expect(bob.json.data).toEqual({ count: 0, info: [] });
    const stranger = await gw('/api/v3/biz/search/0', { fields: ['bk_biz_id'] }, { username: 'mallory' });
    expect(stranger.json.data.count).toBe(0);
  });

  test('bob gets 9900403 on every business-scoped API, on ESB too', async () => {
    const bob = { bkToken: 'token-bob' };
    const calls = [
      gw('/api/v3/hosts/app/2/list_hosts', { page: PAGE, fields: ['bk_host_id'] }, bob),
      gw('/api/v3/hosts/app/2/list_hosts_topo', { page: PAGE, fields: ['bk_host_id'] }, bob),
      gw('/api/v3/find/topoinst/biz/2', {}, bob),
      gw('/api/v3/host/topo/relation/read', { bk_biz_id: 2, page: { start: 0, limit: 10 } }, bob),
      gw(
        '/api/v3/module/search/0/2/0',
        { fields: ['bk_module_id'], condition: {}, page: { start: 0, limit: 10 } },
        bob,
      ),
      gw(
        '/api/v3/findmany/hosts/by_topo/biz/2',
        { bk_obj_id: 'set', bk_inst_id: 5, fields: ['bk_host_id'], page: PAGE },
        bob,
      ),
      esb('list_biz_hosts', { bk_biz_id: 2, page: PAGE, fields: ['bk_host_id'] }, bob),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.json.code).toBe(9900403);
      expect(res.json.permission.actions[0].related_resource_types[0].instances[0][0].id).toBe('2');
    }
  });
});
