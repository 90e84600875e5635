import { cmdbMap } from '../../src/upstream/cmdb';
import { fixtureData } from './fixtures';

// The exact doc payloads of CONTRACTS.md §3 through the CMDB mappers.
describe('CMDB mapping of real BlueKing payloads', () => {
  it('maps search_business rows with string ids and a resource-pool flag', () => {
    const data = fixtureData<{ count: number; info: never[] }>('cmdb.search_business');
    expect(data.info.map(cmdbMap.toBusiness)).toEqual([
      {
        id: '1',
        name: 'esb-test',
        maintainers: [],
        productors: [],
        developers: [],
        testers: [],
        timeZone: null,
        language: null,
        isResourcePool: false,
      },
    ]);
  });

  it('splits comma-joined people and maps CMDB language codes', () => {
    const b = cmdbMap.toBusiness({
      bk_biz_id: 3,
      bk_biz_name: 'game',
      bk_biz_maintainer: 'admin,alice',
      bk_biz_tester: '',
      language: '2',
      time_zone: 'Asia/Shanghai',
      default: 1,
    });
    expect(b).toMatchObject({
      id: '3',
      maintainers: ['admin', 'alice'],
      testers: [],
      language: 'en',
      isResourcePool: true,
    });
  });

  it('maps list_biz_hosts hosts whose bk_os_type is null to osType null', () => {
    for (const name of ['cmdb.list_biz_hosts', 'cmdb.list_biz_hosts.esb']) {
      const data = fixtureData<{ info: never[] }>(name);
      expect(data.info.map(cmdbMap.toHost)).toEqual([
        {
          id: '1',
          innerIp: '192.168.15.18',
          innerIps: ['192.168.15.18'],
          innerIpv6: null,
          outerIp: null,
          name: null,
          osType: null,
          osName: null,
          cloudId: 0,
          agentId: null,
        },
        {
          id: '2',
          innerIp: '192.168.15.4',
          innerIps: ['192.168.15.4'],
          innerIpv6: null,
          outerIp: null,
          name: null,
          osType: null,
          osName: null,
          cloudId: 0,
          agentId: null,
        },
      ]);
    }
  });

  it('splits comma-joined inner IPs, the first being innerIp, and names OS types', () => {
    const h = cmdbMap.toHost({
      bk_host_id: 9,
      bk_host_innerip: '10.0.0.1,10.0.0.2',
      bk_os_type: '2',
      bk_cloud_id: 3,
      bk_agent_id: '0100abc',
    });
    expect(h).toMatchObject({
      id: '9',
      innerIp: '10.0.0.1',
      innerIps: ['10.0.0.1', '10.0.0.2'],
      osType: 'WINDOWS',
      cloudId: 3,
      agentId: '0100abc',
    });
    expect(cmdbMap.osTypeName('1')).toBe('LINUX');
    expect(cmdbMap.osTypeName('3')).toBe('AIX');
    expect(cmdbMap.osTypeName('5')).toBe('5');
    expect(cmdbMap.osTypeCode('linux')).toBe('1');
  });

  it('maps list_biz_hosts_topo into the host plus its sets and modules', () => {
    const data = fixtureData<{ info: never[] }>('cmdb.list_biz_hosts_topo');
    const topo = data.info.map(cmdbMap.toHostTopo);
    expect(topo).toHaveLength(3);
    expect(topo[2]).toEqual({
      host: expect.objectContaining({ id: '3', innerIp: '192.168.15.12' }),
      sets: [{ id: '10', name: '空闲机池' }],
      modules: [{ id: '54', name: '空闲机', setId: '10' }],
    });
  });

  it('maps search_biz_inst_topo into a tree of string ids', () => {
    const data = fixtureData<never[]>('cmdb.search_biz_inst_topo');
    expect(data.map(cmdbMap.toTopoNode)).toEqual([
      {
        objectId: 'biz',
        instanceId: '2',
        name: 'blueking',
        isBuiltIn: false,
        children: [
          {
            objectId: 'set',
            instanceId: '3',
            name: 'job',
            isBuiltIn: false,
            children: [{ objectId: 'module', instanceId: '5', name: 'job', isBuiltIn: false, children: [] }],
          },
        ],
      },
    ]);
  });

  it('maps find_host_topo_relation rows from data.data', () => {
    const data = fixtureData<never>('cmdb.find_host_topo_relation');
    expect(cmdbMap.toRelations(data)).toEqual([
      { hostId: '2', businessId: '2', setId: '2', moduleId: '2' },
      { hostId: '1', businessId: '1', setId: '1', moduleId: '1' },
    ]);
  });

  it('maps search_set and search_module rows, including built-in flags', () => {
    const sets = fixtureData<{ info: never[] }>('cmdb.search_set').info.map(cmdbMap.toSet);
    expect(sets[0]).toMatchObject({ name: 'test', isBuiltIn: false });
    const modules = fixtureData<{ info: never[] }>('cmdb.search_module').info.map(cmdbMap.toModule);
    expect(modules.map((m) => [m.name, m.setId, m.kind])).toEqual([
      ['test', '11', 'NORMAL'],
      ['test', '12', 'NORMAL'],
    ]);
    expect([1, 2, 3].map((d) => cmdbMap.toModule({ bk_module_id: 1, default: d }).kind)).toEqual([
      'IDLE',
      'FAULT',
      'RECYCLE',
    ]);
  });

  it('maps find_host_by_topo hosts', () => {
    const data = fixtureData<{ info: never[] }>('cmdb.find_host_by_topo');
    expect(data.info.map(cmdbMap.toHost).map((h) => [h.id, h.cloudId, h.innerIps])).toEqual([
      ['1', 0, []],
      ['2', 0, []],
    ]);
  });

  it('maps resource_watch events and continues after the last cursor', () => {
    const data = fixtureData<never>('cmdb.resource_watch');
    const r = cmdbMap.toWatchResult(data);
    expect(r.watched).toBe(true);
    expect(r.events).toHaveLength(2);
    expect(r.events[0]).toEqual({
      cursor: 'MQ0yDTE1ODkyMDcyODENMQ01ZWI3ZWZjNTBiOTA5ZTYyMGFmYWQzZGY=',
      resource: 'host',
      type: 'update',
      detail: { bk_cpu: 2 },
    });
    expect(r.nextCursor).toBe('MQ0yDTE1ODkzNDExMDcNMQ01ZWI3ZWZjNTBiOTA5ZTYyMGFmYWQzZGY=');
  });

  it('reads a no-event watch answer as no events and keeps its cursor', () => {
    const r = cmdbMap.toWatchResult({
      bk_watched: false,
      bk_events: [{ bk_cursor: 'MQ0xDTVl', bk_resource: 'host', bk_event_type: '', bk_detail: null }],
    });
    expect(r).toEqual({ watched: false, events: [], nextCursor: 'MQ0xDTVl' });
  });
});
