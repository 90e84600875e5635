import type { TestSandbox } from '../helpers/sandbox';
import { bkFetch, startTestSandbox } from '../helpers/sandbox';

let sb: TestSandbox;

const ESB = '/api/c/compapi/v2/gse';
const APIGW = '/api/bk-gse/prod/api/v2/cluster';

interface AgentHost {
  ip: string;
  bk_cloud_id: number;
  bk_agent_id: string;
}

/** Sets an agent's state through the control route (by `cloud:ip`); null when the host has no agent. */
async function setAgent(key: string, statusCode: number): Promise<AgentHost | null> {
  const res = await fetch(`${sb.url}/_sandbox/gse/agents/${encodeURIComponent(key)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status_code: statusCode }),
  });
  if (res.status === 404) return null;
  expect(res.status).toBe(200);
  return (await res.json()) as AgentHost;
}

/** Hosts with an IPv4 of business 2, found through JOB's plan details (the sandbox's front door). */
async function hostsOfBiz(bizId: number): Promise<Array<{ ip: string; bk_cloud_id: number }>> {
  const scope = { bk_scope_type: 'biz', bk_scope_id: String(bizId) };
  const list = await bkFetch(sb.url, '/api/bk-job/prod/api/v3/get_job_plan_list', { query: scope });
  const seen = new Map<string, { ip: string; bk_cloud_id: number }>();
  for (const plan of list.json.data.data as Array<{ id: number }>) {
    const detail = await bkFetch(sb.url, '/api/bk-job/prod/api/v3/get_job_plan_detail', {
      query: { ...scope, job_plan_id: plan.id },
    });
    for (const v of detail.json.data.global_var_list) {
      for (const h of v.server?.ip_list ?? []) if (h.ip) seen.set(`${h.bk_cloud_id}:${h.ip}`, h);
    }
  }
  return [...seen.values()];
}

/** Two hosts with agents: the first made alive, the second stopped. */
async function aliveAndDead(): Promise<[AgentHost, AgentHost]> {
  const found: AgentHost[] = [];
  for (const h of await hostsOfBiz(2)) {
    const a = await setAgent(`${h.bk_cloud_id}:${h.ip}`, found.length === 0 ? 2 : 3);
    if (a) found.push(a);
    if (found.length === 2) break;
  }
  const [alive, dead] = found;
  if (!alive || !dead) throw new Error('business 2 needs two hosts with agents');
  return [alive, dead];
}

beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb.close();
});

describe('GSE 1.0 get_agent_status', () => {
  it.each([
    ['esb', `${ESB}/get_agent_status/`],
    ['apigw', `${APIGW}/get_agent_status`],
  ])(
    'keys known agents by cloud:ip with bk_agent_alive and leaves unknown hosts out (%s)',
    async (_t, path) => {
      const [alive, dead] = await aliveAndDead();
      const res = await bkFetch(sb.url, path, {
        body: {
          bk_supplier_account: '0',
          hosts: [
            { ip: alive.ip, bk_cloud_id: alive.bk_cloud_id },
            { ip: dead.ip, bk_cloud_id: dead.bk_cloud_id },
            { ip: '192.0.2.1', bk_cloud_id: 0 },
          ],
        },
      });
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ result: true, code: 0, message: '' });
      expect(res.json.data).toEqual({
        [`${alive.bk_cloud_id}:${alive.ip}`]: {
          ip: alive.ip,
          bk_cloud_id: alive.bk_cloud_id,
          bk_agent_alive: 1,
        },
        [`${dead.bk_cloud_id}:${dead.ip}`]: { ip: dead.ip, bk_cloud_id: dead.bk_cloud_id, bk_agent_alive: 0 },
      });
    },
  );

  it('answers 1306406 when bk_supplier_account is missing', async () => {
    const res = await bkFetch(sb.url, `${ESB}/get_agent_status/`, {
      body: { hosts: [{ ip: '10.0.0.1', bk_cloud_id: 0 }] },
    });
    expect(res.json).toMatchObject({ result: false, code: 1306406, data: null });
    expect(res.json.message).toContain('bk_supplier_account');
    expect(typeof res.json.request_id).toBe('string');
  });

  it('answers 1306406 when hosts is empty', async () => {
    const res = await bkFetch(sb.url, `${APIGW}/get_agent_status`, {
      body: { bk_supplier_account: '0', hosts: [] },
    });
    expect(res.json).toMatchObject({ result: false, code: 1306406 });
    expect(res.json.message).toContain('hosts');
  });
});

describe('GSE 1.0 get_agent_info', () => {
  it('returns version and parent of each known agent', async () => {
    const [alive] = await aliveAndDead();
    const res = await bkFetch(sb.url, `${ESB}/get_agent_info/`, {
      body: { bk_supplier_account: '0', hosts: [{ ip: alive.ip, bk_cloud_id: alive.bk_cloud_id }] },
    });
    const row = res.json.data[`${alive.bk_cloud_id}:${alive.ip}`];
    expect(row).toMatchObject({ ip: alive.ip, bk_cloud_id: alive.bk_cloud_id });
    expect(typeof row.version).toBe('string');
    expect(typeof row.parent_ip).toBe('string');
    expect(typeof row.parent_port).toBe('number');
  });
});

describe('GSE 2.0 list_agent_state', () => {
  it.each([
    ['apigw', `${APIGW}/list_agent_state`],
    ['esb', `${ESB}/list_agent_state/`],
  ])('answers rows for agent ids and legacy cloud:ip ids, omitting unknown ones (%s)', async (_t, path) => {
    const [alive, dead] = await aliveAndDead();
    const legacy = `${dead.bk_cloud_id}:${dead.ip}`;
    const res = await bkFetch(sb.url, path, {
      body: { agent_id_list: [alive.bk_agent_id, legacy, 'no-such-agent'] },
    });
    expect(res.json).toMatchObject({ result: true, code: 0 });
    const rows = res.json.data as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.bk_agent_id === alive.bk_agent_id)).toMatchObject({
      bk_cloud_id: alive.bk_cloud_id,
      status_code: 2,
      run_mode: 0,
    });
    expect(rows.find((r) => r.bk_agent_id === legacy)).toMatchObject({ status_code: 3 });
    for (const r of rows) expect(typeof r.version).toBe('string');
  });

  it('answers 1011003 when none of the agents exist', async () => {
    const res = await bkFetch(sb.url, `${APIGW}/list_agent_state`, {
      body: { agent_id_list: ['nope-1', 'nope-2'] },
    });
    expect(res.json).toMatchObject({ result: false, code: 1011003 });
  });

  it('refuses more than 1000 agent ids in one call', async () => {
    const ids = Array.from({ length: 1001 }, (_, i) => `agent-${i}`);
    const res = await bkFetch(sb.url, `${APIGW}/list_agent_state`, { body: { agent_id_list: ids } });
    expect(res.json).toMatchObject({ result: false, code: 1011002 });
    expect(res.json.message).toContain('1000');
  });

  it('follows the control route that changes an agent state', async () => {
    const [alive] = await aliveAndDead();
    await setAgent(alive.bk_agent_id, 4);
    const res = await bkFetch(sb.url, `${APIGW}/list_agent_state`, {
      body: { agent_id_list: [alive.bk_agent_id] },
    });
    expect(res.json.data[0].status_code).toBe(4);
    const v1 = await bkFetch(sb.url, `${ESB}/get_agent_status/`, {
      body: { bk_supplier_account: '0', hosts: [{ ip: alive.ip, bk_cloud_id: alive.bk_cloud_id }] },
    });
    expect(v1.json.data[`${alive.bk_cloud_id}:${alive.ip}`].bk_agent_alive).toBe(0);
  });

  it('counts calls in the stats under gse.<api>', async () => {
    await sb.reset();
    await bkFetch(sb.url, `${APIGW}/list_agent_state`, { body: { agent_id_list: ['x'] } });
    await bkFetch(sb.url, `${ESB}/get_agent_status/`, {
      body: { bk_supplier_account: '0', hosts: [{ ip: '10.0.0.1', bk_cloud_id: 0 }] },
    });
    const stats = await sb.stats();
    expect(stats.calls['gse.list_agent_state']).toBe(1);
    expect(stats.calls['gse.get_agent_status']).toBe(1);
  });
});
