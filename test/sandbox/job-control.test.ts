import type { TestSandbox } from '../helpers/sandbox';
import { bkFetch, startTestSandbox } from '../helpers/sandbox';
import { CallbackReceiver, control, sleep } from './callback-receiver';
import type { Host } from './job-support';
import { biz, inlineScript, JOB, liveHosts, waitFinished } from './job-support';

/**
 * JOB's final-state callback as bk-graph receives it (CONTRACTS.md §4.6), the control that loses
 * callbacks, the sandbox's own records of instances and executions, and target hosts given by
 * topology node.
 */

let sb: TestSandbox;
let hosts: Host[];

beforeAll(async () => {
  sb = await startTestSandbox();
  hosts = await liveHosts(sb.url, 2, 2);
});
afterAll(async () => {
  await sb.close();
});
afterEach(async () => {
  await control(sb.url, 'POST', '/job/callbacks', {});
});

async function runScript(script: string, extra: Record<string, unknown> = {}) {
  const res = await bkFetch(sb.url, `${JOB}/fast_execute_script`, {
    body: inlineScript(2, hosts, script, extra),
  });
  expect(res.json).toMatchObject({ result: true, code: 0 });
  return res.json.data as { job_instance_id: number; step_instance_id: number };
}

async function withReceiver(
  replies: ConstructorParameters<typeof CallbackReceiver>[0],
  run: (receiver: CallbackReceiver, base: string) => Promise<void>,
) {
  const receiver = new CallbackReceiver(replies);
  const base = await receiver.start();
  try {
    await run(receiver, base);
  } finally {
    await receiver.close();
  }
}

describe('JOB callback_url', () => {
  it('POSTs the final state as JSON to the URL exactly as given, query string kept', async () => {
    await withReceiver([{ status: 200, body: {} }], async (receiver, base) => {
      const path = '/callbacks/job?tenant=default&sig=a%2Fb%3D&empty=';
      const { job_instance_id: jobId, step_instance_id: stepId } = await runScript('echo hi', {
        callback_url: `${base}${path}`,
      });
      await waitFinished(sb.url, 2, jobId);
      const [call, ...more] = await receiver.waitFor(1);
      expect(call?.url).toBe(path);
      expect(call?.headers['content-type']).toBe('application/json');
      expect(JSON.parse(call?.body ?? '')).toEqual({
        job_instance_id: jobId,
        status: 3,
        step_instance_list: [{ step_instance_id: stepId, status: 3 }],
      });
      await sleep(50);
      expect(more).toHaveLength(0);
      const record = await control(sb.url, 'GET', `/job/instances/${jobId}`);
      expect(record.json.callback).toEqual({
        state: 'delivered',
        attempts: [{ content_type: 'application/json', status: 200 }],
      });
    });
  });

  it.each([
    ['HTTP 500', 500],
    ['HTTP 201', 201],
  ])(
    'retries once form-encoded, same URL and same JSON text, when the JSON call gets %s',
    async (_n, first) => {
      await withReceiver(
        [
          { status: first, body: {} },
          { status: 200, body: {} },
        ],
        async (receiver, base) => {
          const { job_instance_id: jobId } = await runScript('exit 1', { callback_url: `${base}/cb?x=1` });
          await waitFinished(sb.url, 2, jobId);
          const calls = await receiver.waitFor(2);
          expect(calls.map((c) => [c.url, c.headers['content-type']])).toEqual([
            ['/cb?x=1', 'application/json'],
            ['/cb?x=1', 'application/x-www-form-urlencoded'],
          ]);
          expect(calls[1]?.body).toBe(calls[0]?.body);
          expect(JSON.parse(calls[1]?.body ?? '')).toMatchObject({ job_instance_id: jobId, status: 4 });
        },
      );
    },
  );

  it('gives up after the form retry, and records both attempts', async () => {
    await withReceiver([{ status: 503, body: {} }], async (receiver, base) => {
      const { job_instance_id: jobId } = await runScript('echo hi', { callback_url: `${base}/cb` });
      await waitFinished(sb.url, 2, jobId);
      await receiver.waitFor(2);
      await sleep(100);
      expect(receiver.calls).toHaveLength(2);
      const record = await control(sb.url, 'GET', `/job/instances/${jobId}`);
      expect(record.json.callback).toEqual({
        state: 'failed',
        attempts: [
          { content_type: 'application/json', status: 503 },
          { content_type: 'application/x-www-form-urlencoded', status: 503 },
        ],
      });
    });
  });

  it('loses the next n callbacks with dropNext: neither JSON nor form is sent', async () => {
    await withReceiver(undefined, async (receiver, base) => {
      expect((await control(sb.url, 'POST', '/job/callbacks', { dropNext: 1 })).json).toEqual({
        dropNext: 1,
      });
      const lost = await runScript('echo lost', { callback_url: `${base}/cb/lost` });
      await waitFinished(sb.url, 2, lost.job_instance_id);
      await sleep(100);
      expect(receiver.calls).toHaveLength(0);
      expect((await control(sb.url, 'GET', '/job/callbacks')).json).toEqual({ dropNext: 0 });
      const record = await control(sb.url, 'GET', `/job/instances/${lost.job_instance_id}`);
      expect(record.json).toMatchObject({
        status: 3,
        finished: true,
        callback: { state: 'dropped', attempts: [] },
      });

      const sent = await runScript('echo sent', { callback_url: `${base}/cb/sent` });
      await waitFinished(sb.url, 2, sent.job_instance_id);
      const calls = await receiver.waitFor(1);
      expect(calls.map((c) => c.url)).toEqual(['/cb/sent']);
    });
  });

  it('counts only jobs with a callback_url against dropNext', async () => {
    await withReceiver(undefined, async (receiver, base) => {
      await control(sb.url, 'POST', '/job/callbacks', { dropNext: 1 });
      const quiet = await runScript('echo no callback');
      await waitFinished(sb.url, 2, quiet.job_instance_id);
      expect((await control(sb.url, 'GET', '/job/callbacks')).json).toEqual({ dropNext: 1 });
      const lost = await runScript('echo lost', { callback_url: `${base}/cb` });
      await waitFinished(sb.url, 2, lost.job_instance_id);
      await sleep(50);
      expect(receiver.calls).toHaveLength(0);
    });
  });

  it.each([
    [{ dropNext: -1 }, 'dropNext'],
    [{ dropNext: 1.5 }, 'dropNext'],
    [{ dropNext: '2' }, 'dropNext'],
    [{ drop: 1 }, 'unknown fields: drop'],
  ])('refuses %j with a 400 naming the field', async (body, field) => {
    const res = await control(sb.url, 'POST', '/job/callbacks', body);
    expect(res.status).toBe(400);
    expect(res.json.error).toContain(field);
  });

  it('clears the setting with {}', async () => {
    await control(sb.url, 'POST', '/job/callbacks', { dropNext: 3 });
    expect((await control(sb.url, 'POST', '/job/callbacks', {})).json).toEqual({ dropNext: 0 });
  });
});

describe('JOB records in /_sandbox/job', () => {
  it("shows an instance's status, steps, per-host statuses, operator and callback URL", async () => {
    const aliceHosts = await liveHosts(sb.url, 3, 1);
    const res = await bkFetch(sb.url, `${JOB}/fast_execute_script`, {
      body: inlineScript(3, aliceHosts, 'echo hi', {
        task_name: 'as alice',
        callback_url: 'http://127.0.0.1:9/never?x=1',
      }),
      auth: { bkToken: 'token-alice' },
    });
    const jobId = res.json.data.job_instance_id as number;
    const status = await waitFinished(sb.url, 3, jobId);
    const record = await control(sb.url, 'GET', `/job/instances/${jobId}`);
    expect(record.status).toBe(200);
    expect(record.json).toMatchObject({
      job_instance_id: jobId,
      bk_biz_id: 3,
      name: 'as alice',
      status: status.job_instance.status,
      finished: true,
      operator: 'alice',
      callback_url: 'http://127.0.0.1:9/never?x=1',
    });
    expect(record.json.steps).toEqual(
      status.step_instance_list.map((s: Record<string, unknown>) => ({
        step_instance_id: s.step_instance_id,
        name: s.name,
        type: s.type,
        status: s.status,
        hosts: (s.step_ip_result_list as Array<Record<string, unknown>>).map((h) => ({
          bk_host_id: h.bk_host_id,
          bk_cloud_id: h.bk_cloud_id,
          ip: h.ip,
          status: h.status,
          exit_code: h.exit_code,
          error_code: h.error_code,
        })),
      })),
    );
  });

  it('answers 404 for an instance it never started', async () => {
    for (const id of ['1', 'abc']) {
      const res = await control(sb.url, 'GET', `/job/instances/${id}`);
      expect(res.status).toBe(404);
      expect(res.json.error).toContain(id);
    }
  });

  it('counts the executions started since the last reset, and a reset zeroes them', async () => {
    await sb.reset();
    expect((await control(sb.url, 'GET', '/job/executions')).json).toEqual({
      execute_job_plan: 0,
      fast_execute_script: 0,
      instances: [],
    });
    const a = await runScript('echo a');
    const refused = await bkFetch(sb.url, `${JOB}/fast_execute_script`, {
      body: inlineScript(2, hosts, 'echo refused', { timeout: 0 }),
    });
    expect(refused.json.result).toBe(false);
    const plans = await bkFetch(sb.url, `${JOB}/get_job_plan_list`, { query: biz(2) });
    const plan = await bkFetch(sb.url, `${JOB}/execute_job_plan`, {
      body: { ...biz(2), job_plan_id: plans.json.data.data[0].id },
    });
    const b = await runScript('echo b');
    expect((await control(sb.url, 'GET', '/job/executions')).json).toEqual({
      execute_job_plan: 1,
      fast_execute_script: 2,
      instances: [a.job_instance_id, plan.json.data.job_instance_id, b.job_instance_id],
    });
    await sb.reset();
    expect((await control(sb.url, 'GET', '/job/executions')).json).toEqual({
      execute_job_plan: 0,
      fast_execute_script: 0,
      instances: [],
    });
  });
});

describe('JOB target hosts', () => {
  /** Business 2's hosts by module and by set, from CMDB. */
  async function topology(): Promise<{ modules: Map<number, number[]>; sets: Map<number, number[]> }> {
    const res = await bkFetch(sb.url, '/api/bk-cmdb/prod/api/v3/hosts/app/2/list_hosts_topo', {
      body: { bk_biz_id: 2, fields: ['bk_host_id'], page: { start: 0, limit: 500 } },
    });
    const modules = new Map<number, number[]>();
    const sets = new Map<number, number[]>();
    const add = (m: Map<number, number[]>, k: number, v: number) => {
      const list = m.get(k) ?? [];
      if (!list.includes(v)) list.push(v);
      m.set(k, list);
    };
    for (const row of res.json.data.info as Array<{
      host: { bk_host_id: number };
      topo: Array<{ bk_set_id: number; module: Array<{ bk_module_id: number }> }>;
    }>) {
      for (const t of row.topo) {
        add(sets, t.bk_set_id, row.host.bk_host_id);
        for (const m of t.module) add(modules, m.bk_module_id, row.host.bk_host_id);
      }
    }
    return { modules, sets };
  }

  async function planWithHostVar(bizId: number) {
    const plans = await bkFetch(sb.url, `${JOB}/get_job_plan_list`, { query: biz(bizId) });
    const planId = plans.json.data.data[0].id as number;
    const detail = await bkFetch(sb.url, `${JOB}/get_job_plan_detail`, {
      query: { ...biz(bizId), job_plan_id: planId },
    });
    const hostVar = detail.json.data.global_var_list.find((v: { type: number }) => v.type === 3);
    return { planId, hostVarId: hostVar.id as number };
  }

  async function targetsOf(jobId: number): Promise<number[]> {
    const record = await control(sb.url, 'GET', `/job/instances/${jobId}`);
    const step = record.json.steps.find((s: { type: number }) => s.type !== 3);
    return (step.hosts as Array<{ bk_host_id: number }>).map((h) => h.bk_host_id).sort((a, b) => a - b);
  }

  const sorted = (ids: number[]) => [...new Set(ids)].sort((a, b) => a - b);

  it('runs execute_job_plan on the hosts of a module and a set given by topo_node_list', async () => {
    const { modules, sets } = await topology();
    const [moduleId, moduleHosts] = [...modules].find(([, ids]) => ids.length >= 2) ?? [];
    const [setId, setHosts] = [...sets][0] ?? [];
    if (!moduleId || !moduleHosts || !setId || !setHosts)
      throw new Error('business 2 has no populated module');
    const { planId, hostVarId } = await planWithHostVar(2);
    const run = async (server: Record<string, unknown>) => {
      const res = await bkFetch(sb.url, `${JOB}/execute_job_plan`, {
        body: { ...biz(2), job_plan_id: planId, global_var_list: [{ id: hostVarId, server }] },
      });
      expect(res.json).toMatchObject({ result: true, code: 0 });
      return targetsOf(res.json.data.job_instance_id);
    };
    expect(await run({ topo_node_list: [{ id: moduleId, node_type: 'module' }] })).toEqual(
      sorted(moduleHosts),
    );
    expect(await run({ topo_node_list: [{ id: setId, node_type: 'set' }] })).toEqual(sorted(setHosts));
    const extra = hosts.find((h) => !moduleHosts.includes(h.bk_host_id)) ?? hosts[0]!;
    expect(
      await run({
        host_id_list: [extra.bk_host_id],
        topo_node_list: [{ id: moduleId, node_type: 'module' }],
        dynamic_group_list: [],
      }),
    ).toEqual(sorted([...moduleHosts, extra.bk_host_id]));
  });

  it('runs fast_execute_script on a module given by topo_node_list', async () => {
    const { modules } = await topology();
    const [moduleId, moduleHosts] = [...modules][0] ?? [];
    if (!moduleId || !moduleHosts) throw new Error('business 2 has no populated module');
    const res = await bkFetch(sb.url, `${JOB}/fast_execute_script`, {
      body: {
        ...inlineScript(2, hosts, 'echo hi'),
        target_server: { topo_node_list: [{ id: moduleId, node_type: 'module' }] },
      },
    });
    expect(res.json.result).toBe(true);
    expect(await targetsOf(res.json.data.job_instance_id)).toEqual(sorted(moduleHosts));
  });

  it('answers 1244002 for a host or a topology node outside the business', async () => {
    const { planId, hostVarId } = await planWithHostVar(2);
    const otherHost = (await liveHosts(sb.url, 3, 1))[0]!;
    const otherModules = await bkFetch(sb.url, '/api/bk-cmdb/prod/api/v3/module/search/0/3/0', {
      body: { bk_biz_id: 3, fields: ['bk_module_id'], condition: {}, page: { start: 0, limit: 1 } },
    });
    const otherModule = otherModules.json.data.info[0].bk_module_id as number;
    for (const server of [
      { host_id_list: [otherHost.bk_host_id] },
      { host_id_list: [hosts[0]!.bk_host_id, 999_999] },
      { topo_node_list: [{ id: otherModule, node_type: 'module' }] },
      { host_id_list: [hosts[0]!.bk_host_id], topo_node_list: [{ id: 999_999, node_type: 'set' }] },
    ]) {
      const res = await bkFetch(sb.url, `${JOB}/execute_job_plan`, {
        body: { ...biz(2), job_plan_id: planId, global_var_list: [{ id: hostVarId, server }] },
      });
      expect({ server, code: res.json.code }).toEqual({ server, code: 1244002 });
      expect(res.json.message).toMatch(/^The following hosts are invalid: /);
    }
  });

  it('answers 1241007 for a topology node of an unknown type', async () => {
    const res = await bkFetch(sb.url, `${JOB}/fast_execute_script`, {
      body: {
        ...inlineScript(2, hosts, 'echo hi'),
        target_server: { topo_node_list: [{ id: 1, node_type: 'rack' }] },
      },
    });
    expect(res.json).toMatchObject({
      result: false,
      code: 1241007,
      message: 'Missing or invalid request parameter [target_server.topo_node_list]',
    });
  });
});
