import { isUpstreamError } from '../../src/errors';
import type { UpstreamError } from '../../src/errors';
import type { Host } from '../../src/upstream/domain';
import { GSE_LIMITS } from '../../src/upstream/gse';
import { asUser, startClientsHarness, TRANSPORTS } from './clients-harness';
import type { ClientsHarness } from './clients-harness';

let h: ClientsHarness;
let running: Host;
let stopped: Host;

async function setAgent(id: string, statusCode: number): Promise<void> {
  const res = await fetch(`${h.sandbox.url}/_sandbox/gse/agents/${encodeURIComponent(id)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status_code: statusCode }),
  });
  if (!res.ok) throw new Error(`could not set agent ${id}: HTTP ${res.status}`);
}

beforeAll(async () => {
  h = await startClientsHarness();
  const cmdb = h.clients('apigw').cmdb;
  const hosts: Host[] = [];
  for (const biz of await cmdb.allBusinesses({}, asUser('admin'))) {
    hosts.push(
      ...(await cmdb.allBizHosts({ bizId: biz.id }, asUser('admin'))).filter((x) => x.agentId && x.innerIp),
    );
    if (hosts.length >= 2) break;
  }
  [running, stopped] = hosts as [Host, Host];
  await setAgent(running.agentId!, 2);
  await setAgent(stopped.agentId!, 4);
});
afterAll(() => h.close());

const query = (x: Host) => ({ hostId: x.id, agentId: x.agentId, cloudId: x.cloudId, ip: x.innerIp });
const ghost = {
  hostId: 'ghost',
  agentId: '0100ffffffffffffffffffffffffffff',
  cloudId: 0,
  ip: '10.255.255.254',
};

describe.each(TRANSPORTS)('gse client over %s', (transport) => {
  it.each([1, 2] as const)('answers agent states keyed by host id with GSE %i', async (version) => {
    const states = await h
      .clients(transport, version)
      .gse.agentStates([query(running), query(stopped), ghost], asUser('admin'));
    expect(states.get(running.id)).toMatchObject({
      status: 'RUNNING',
      alive: true,
      cloudId: running.cloudId,
    });
    expect(states.get(stopped.id)).toMatchObject({ status: 'NOT_RUNNING', alive: false });
    expect(states.get('ghost')).toMatchObject({ status: 'NOT_INSTALLED', alive: false });
    // 2.0 asks by agent id, 1.0 by cloud:ip.
    expect(states.get(running.id)?.key).toBe(
      version === 2 ? running.agentId : `${running.cloudId}:${running.innerIp}`,
    );
    if (version === 2) expect(states.get(running.id)?.version).toEqual(expect.any(String));
  });

  it('gives each host its own agent when GSE leaves unknown agents out and two hosts share one', async () => {
    const twin = { ...query(running), hostId: 'twin' };
    const states = await h
      .clients(transport, 2)
      .gse.agentStates([ghost, query(stopped), twin, query(running)], asUser('admin'));
    expect(states.get('ghost')).toMatchObject({ status: 'NOT_INSTALLED', alive: false });
    expect(states.get(stopped.id)).toMatchObject({ key: stopped.agentId, status: 'NOT_RUNNING' });
    expect(states.get('twin')).toMatchObject({ key: running.agentId, status: 'RUNNING', alive: true });
    expect(states.get(running.id)).toMatchObject({ key: running.agentId, status: 'RUNNING', alive: true });
  });

  it('reads GSE 2.0 "none found" (1011003) as every agent NOT_INSTALLED', async () => {
    const states = await h.clients(transport, 2).gse.agentStates([ghost], asUser('admin'));
    expect(states.get('ghost')).toMatchObject({ key: ghost.agentId, status: 'NOT_INSTALLED', alive: false });
  });

  it('asks GSE 2.0 by cloud:ip for a host without an agent id', async () => {
    const states = await h
      .clients(transport, 2)
      .gse.agentStates([{ ...query(running), agentId: null }], asUser('admin'));
    expect(states.get(running.id)).toMatchObject({
      key: `${running.cloudId}:${running.innerIp}`,
      status: 'RUNNING',
    });
  });
});

describe('gse client batching and errors', () => {
  it('splits GSE 2.0 lookups at the per-call limit', async () => {
    await h.sandbox.reset();
    const many = Array.from({ length: GSE_LIMITS.agentsPerCallV2 + 1 }, (_, i) => ({
      hostId: `h${i}`,
      agentId: `ghost-${i}`,
      cloudId: 0,
    }));
    const states = await h.clients('apigw', 2).gse.agentStates(many, asUser('admin'));
    expect(states.size).toBe(many.length);
    expect((await h.sandbox.stats()).calls['gse.list_agent_state']).toBe(2);
  });

  it('throws a typed upstream error when GSE fails', async () => {
    await h.sandbox.faults({ errorRate: 1 });
    try {
      const err = (await h
        .clients('esb', 1)
        .gse.agentStates([query(running)], asUser('admin'))
        .catch((e: unknown) => e)) as UpstreamError;
      expect(isUpstreamError(err)).toBe(true);
      expect(err.upstream).toMatchObject({ system: 'gse', api: 'get_agent_status' });
    } finally {
      await h.sandbox.faults({});
    }
  });
});
