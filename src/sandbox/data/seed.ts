import { hex, pick, randInt, randomStream } from '../random';
import type { SandboxData, SbAgent, SbBusiness, SbHost, SbHostRelation, SbModule, SbSet } from '../types';
import { createUsers, OPS_USERS } from './users';

/**
 * The seeded BlueKing world: same seed and size → byte-identical data. Every list is built in id
 * order, so handlers that do not sort still answer in CMDB's default (id) order.
 */

const BIZ_NAMES = [
  'payment-gateway', 'user-center', 'order-service', 'game-lobby', 'live-stream', 'search-engine',
  'ad-platform', 'data-warehouse', 'message-push', 'risk-control', 'cdn-edge', 'mail-relay',
  'billing', 'inventory', 'recommendation', 'im-chat', 'video-transcode', 'map-tiles', 'auth-sso',
  'log-platform', 'monitor', 'ci-runner', 'object-storage', 'crm', 'hr-portal', 'wiki', 'forum',
  'ticketing', 'analytics', 'feature-flags', 'config-center', 'dns-service', 'vpn-gateway',
  'backup', 'bi-report', 'coupon', 'shipping', 'review', 'loyalty', 'seller-center',
] as const;
const REGIONS = ['gz', 'sh', 'bj', 'sz', 'cd', 'hk'] as const;
const ENVS: ReadonlyArray<{ name: string; code: string }> = [
  { name: 'prod', code: '3' },
  { name: 'test', code: '1' },
  { name: 'pre', code: '2' },
];
const MODULE_NAMES = [
  'nginx', 'api-server', 'mysql', 'redis', 'kafka', 'worker', 'scheduler', 'gateway', 'elasticsearch',
  'mongodb', 'zookeeper', 'consul', 'cron', 'web', 'rpc', 'cache', 'proxy', 'etl',
] as const;
const IDLE_MODULES: ReadonlyArray<{ name: string; flag: 1 | 2 | 3 }> = [
  { name: '空闲机', flag: 1 },
  { name: '故障机', flag: 2 },
  { name: '待回收', flag: 3 },
];
const MAINTAINERS = ['admin', 'alice', ...OPS_USERS] as const;
const SUPPLIER = '0';
/** Seeded timestamps start here so they never depend on the wall clock. */
const EPOCH = Date.UTC(2023, 0, 1);

/** CMDB-style timestamp, e.g. 2023-03-04T12:00:00.000+08:00. */
function cmdbTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace('Z', '+08:00');
}

export function businessCount(hosts: number): number {
  return Math.min(40, Math.max(3, Math.round(hosts / 100)));
}

export function seedData(seed: number, hostCount: number, bizCount?: number): SandboxData {
  const rnd = randomStream(seed, 'seed');
  const when = () => {
    const created = EPOCH + Math.floor(rnd() * 300 * 86400_000);
    return { create_time: cmdbTime(created), last_time: cmdbTime(created + Math.floor(rnd() * 60 * 86400_000)) };
  };
  const people = (n: number) => {
    const chosen = new Set<string>();
    while (chosen.size < n) chosen.add(pick(rnd, MAINTAINERS));
    return [...chosen].join(',');
  };

  const businesses: SbBusiness[] = [];
  const sets: SbSet[] = [];
  const modules: SbModule[] = [];
  const addBiz = (id: number, name: string, isPool: boolean) => {
    const maintainer = isPool ? 'admin' : people(randInt(rnd, 1, 3));
    businesses.push({
      bk_biz_id: id,
      bk_biz_name: name,
      bk_biz_maintainer: maintainer,
      bk_biz_productor: people(1),
      bk_biz_developer: people(randInt(rnd, 1, 2)),
      bk_biz_tester: people(1),
      time_zone: 'Asia/Shanghai',
      language: '1',
      bk_supplier_account: SUPPLIER,
      life_cycle: isPool ? '2' : pick(rnd, ['1', '2', '2', '2', '3']),
      operator: maintainer.split(',')[0] ?? 'admin',
      default: isPool ? 1 : 0,
      ...when(),
    });
  };
  const addSet = (bizId: number, name: string, isIdle: boolean, env: string): SbSet => {
    const set: SbSet = {
      bk_set_id: sets.length + 1,
      bk_set_name: name,
      bk_biz_id: bizId,
      bk_parent_id: bizId,
      default: isIdle ? 1 : 0,
      bk_set_env: env,
      bk_service_status: isIdle ? '1' : pick(rnd, ['1', '1', '1', '2']),
      bk_capacity: isIdle ? null : randInt(rnd, 10, 500),
      bk_set_desc: '',
      description: '',
      set_template_id: 0,
      bk_supplier_account: SUPPLIER,
      ...when(),
    };
    sets.push(set);
    return set;
  };
  const addModule = (set: SbSet, name: string, flag: SbModule['default']): SbModule => {
    const operator = pick(rnd, MAINTAINERS);
    const mod: SbModule = {
      bk_module_id: modules.length + 1,
      bk_module_name: name,
      bk_set_id: set.bk_set_id,
      bk_biz_id: set.bk_biz_id,
      bk_parent_id: set.bk_set_id,
      default: flag,
      bk_module_type: name === 'mysql' || name === 'mongodb' ? '2' : '1',
      operator,
      bk_bak_operator: pick(rnd, MAINTAINERS),
      host_apply_enabled: false,
      service_category_id: flag === 0 ? randInt(rnd, 2, 20) : 1,
      service_template_id: 0,
      set_template_id: 0,
      bk_supplier_account: SUPPLIER,
      ...when(),
    };
    modules.push(mod);
    return mod;
  };
  const addIdleSet = (bizId: number) => {
    const idle = addSet(bizId, '空闲机池', true, '3');
    for (const m of IDLE_MODULES) addModule(idle, m.name, m.flag);
  };

  addBiz(1, '资源池', true);
  addIdleSet(1);
  const normalCount = bizCount ?? businessCount(hostCount);
  for (let i = 0; i < normalCount; i++) {
    const bizId = i + 2;
    addBiz(bizId, BIZ_NAMES[i] ?? `biz-${bizId}`, false);
    addIdleSet(bizId);
    const setCount = randInt(rnd, 2, 5);
    const usedSetNames = new Set<string>();
    for (let s = 0; s < setCount; s++) {
      const env = pick(rnd, ENVS);
      let name = `${pick(rnd, REGIONS)}-${env.name}-${s + 1}`;
      while (usedSetNames.has(name)) name = `${name}x`;
      usedSetNames.add(name);
      const set = addSet(bizId, name, false, env.code);
      const moduleNames = [...MODULE_NAMES].sort(() => rnd() - 0.5).slice(0, randInt(rnd, 2, 4));
      for (const m of moduleNames) addModule(set, m, 0);
    }
  }

  const { hosts, relations, agents } = seedHosts(seed, hostCount, businesses, modules);
  const aliceBiz = businesses.filter((b) => b.default === 0).slice(1, 4).map((b) => b.bk_biz_id);
  return { users: createUsers(aliceBiz), businesses, sets, modules, hosts, relations, agents };
}

function seedHosts(
  seed: number,
  hostCount: number,
  businesses: readonly SbBusiness[],
  modules: readonly SbModule[],
): { hosts: SbHost[]; relations: SbHostRelation[]; agents: Map<string, SbAgent> } {
  const rnd = randomStream(seed, 'hosts');
  const hosts: SbHost[] = [];
  const relations: SbHostRelation[] = [];
  const agents = new Map<string, SbAgent>();
  const ipCounters = new Map<number, number>();
  const nextIp = (cloud: number) => {
    const c = (ipCounters.get(cloud) ?? 0) + 1;
    ipCounters.set(cloud, c);
    const n = c + cloud * 7919; // different clouds reuse the same space but start elsewhere
    return `10.${(Math.floor(n / 64516) % 254) + 1}.${(Math.floor(n / 254) % 254) + 1}.${(n % 254) + 1}`;
  };
  const modulesByBiz = new Map<number, SbModule[]>();
  for (const m of modules) {
    const list = modulesByBiz.get(m.bk_biz_id) ?? [];
    list.push(m);
    modulesByBiz.set(m.bk_biz_id, list);
  }
  const normalBiz = businesses.filter((b) => b.default === 0);

  for (let i = 0; i < hostCount; i++) {
    const id = i + 1;
    const cloudRoll = rnd();
    const cloud = cloudRoll < 0.9 ? 0 : cloudRoll < 0.96 ? 1 : 2;
    const ipRoll = rnd();
    const v6Only = ipRoll < 0.01;
    let innerip = v6Only ? '' : nextIp(cloud);
    if (!v6Only && ipRoll > 0.97) innerip = `${innerip},${nextIp(cloud)}`;
    const hasV6 = v6Only || rnd() < 0.05;
    const osRoll = rnd();
    const osType = osRoll < 0.7 ? '1' : osRoll < 0.9 ? '2' : null;
    const created = EPOCH + Math.floor(rnd() * 300 * 86400_000);
    const agentId = rnd() < 0.05 ? '' : hex(rnd, 32);
    const host: SbHost = {
      bk_host_id: id,
      bk_host_innerip: innerip,
      bk_host_innerip_v6: hasV6 ? `fd00::${id.toString(16)}:${hex(rnd, 4)}` : '',
      bk_host_outerip: rnd() < 0.2 ? `203.0.${randInt(rnd, 0, 255)}.${randInt(rnd, 1, 254)}` : '',
      bk_host_outerip_v6: '',
      bk_cloud_id: cloud,
      bk_host_name: `${osType === '2' ? 'WIN' : 'VM'}-${id.toString().padStart(5, '0')}`,
      bk_os_type: osType,
      bk_os_name: osType === '1' ? 'linux centos' : osType === '2' ? 'Windows Server 2019' : '',
      bk_os_version: osType === '1' ? pick(rnd, ['7.9.2009', '8.5.2111']) : osType === '2' ? '10.0.17763' : '',
      bk_os_bit: '64-bit',
      bk_cpu: pick(rnd, [2, 4, 8, 16, 32]),
      bk_mem: pick(rnd, [4096, 8192, 16384, 32768, 65536]),
      bk_disk: pick(rnd, [50, 100, 200, 500]),
      bk_mac: Array.from({ length: 6 }, () => hex(rnd, 2)).join(':'),
      bk_agent_id: agentId,
      bk_supplier_account: '0',
      operator: pick(rnd, MAINTAINERS),
      bk_bak_operator: pick(rnd, MAINTAINERS),
      create_time: cmdbTime(created),
      last_time: cmdbTime(created + Math.floor(rnd() * 30 * 86400_000)),
    };
    hosts.push(host);
    if (agentId) {
      const running = rnd() < 0.85;
      agents.set(agentId, {
        bk_agent_id: agentId,
        bk_cloud_id: cloud,
        ip: innerip.split(',')[0] ?? '',
        status_code: running ? 2 : pick(rnd, [0, 1, 3, -2]),
        alive: running ? 1 : 0,
        version: pick(rnd, ['2.1.5', '2.1.6', '2.0.9']),
      });
    }

    // A few hosts wait in the resource pool; the rest belong to a normal business.
    const inPool = rnd() < 0.02;
    const biz = inPool ? businesses[0] : pick(rnd, normalBiz);
    if (!biz) throw new RangeError('seed needs at least one business');
    const bizModules = modulesByBiz.get(biz.bk_biz_id) ?? [];
    const idleModules = bizModules.filter((m) => m.default !== 0);
    const normalModules = bizModules.filter((m) => m.default === 0);
    const placeRoll = rnd();
    if (inPool || normalModules.length === 0 || placeRoll < 0.05) {
      const m = inPool ? idleModules[0] : pick(rnd, idleModules);
      if (m) relations.push(relationOf(id, m));
      continue;
    }
    const first = pick(rnd, normalModules);
    relations.push(relationOf(id, first));
    if (placeRoll > 0.94) {
      // Some hosts serve two modules, of the same set or of two sets of the business.
      const second = pick(rnd, normalModules);
      if (second.bk_module_id !== first.bk_module_id) relations.push(relationOf(id, second));
    }
  }
  return { hosts, relations, agents };
}

function relationOf(hostId: number, m: SbModule): SbHostRelation {
  return { bk_host_id: hostId, bk_biz_id: m.bk_biz_id, bk_set_id: m.bk_set_id, bk_module_id: m.bk_module_id };
}
