import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestSandbox } from '../helpers/sandbox';
import { bkFetch, startTestSandbox } from '../helpers/sandbox';

let sb: TestSandbox;

const APIGW = '/api/bk-job/prod/api/v3';
const ESB = '/api/c/compapi/v2/jobv3';
const biz = (id: number) => ({ bk_scope_type: 'biz', bk_scope_id: String(id) });
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

interface Host {
  bk_host_id: number;
  bk_cloud_id: number;
  ip: string;
}

async function setAgent(url: string, h: Host, statusCode: number): Promise<boolean> {
  const res = await fetch(`${url}/_sandbox/gse/agents/${encodeURIComponent(`${h.bk_cloud_id}:${h.ip}`)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status_code: statusCode }),
  });
  return res.status === 200;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- plan details are raw JSON
async function plansOf(bizId: number, url = sb.url): Promise<Array<{ id: number; detail: any }>> {
  const list = await bkFetch(url, `${APIGW}/get_job_plan_list`, { query: biz(bizId) });
  const out = [];
  for (const p of list.json.data.data as Array<{ id: number }>) {
    const d = await bkFetch(url, `${APIGW}/get_job_plan_detail`, {
      query: { ...biz(bizId), job_plan_id: p.id },
    });
    out.push({ id: p.id, detail: d.json.data });
  }
  return out;
}

/** Hosts of a business (from its plans) whose agents the test sets: `alive` running, then `dead` stopped. */
async function hostsWithAgents(
  bizId: number,
  alive: number,
  dead = 0,
  url = sb.url,
): Promise<{ alive: Host[]; dead: Host[] }> {
  const seen = new Map<number, Host>();
  for (const p of await plansOf(bizId, url)) {
    for (const v of p.detail.global_var_list)
      for (const h of v.server?.ip_list ?? []) if (h.ip) seen.set(h.bk_host_id, h);
  }
  const out = { alive: [] as Host[], dead: [] as Host[] };
  for (const h of seen.values()) {
    if (out.alive.length < alive) {
      if (await setAgent(url, h, 2)) out.alive.push(h);
    } else if (out.dead.length < dead) {
      if (await setAgent(url, h, 3)) out.dead.push(h);
    } else break;
  }
  if (out.alive.length < alive || out.dead.length < dead)
    throw new Error(`business ${bizId} has too few agents`);
  return out;
}

async function waitFinished(bizId: number, jobId: number, path = `${APIGW}/get_job_instance_status`) {
  for (let i = 0; i < 300; i++) {
    const res = await bkFetch(sb.url, path, {
      query: { ...biz(bizId), job_instance_id: jobId, return_ip_result: true },
    });
    if (res.json.data?.finished) return res.json.data;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`job ${jobId} did not finish`);
}

function fastScript(bizId: number, hosts: Host[], script: string, extra: Record<string, unknown> = {}) {
  return {
    ...biz(bizId),
    script_content: b64(script),
    script_language: 1,
    account_alias: 'root',
    target_server: { host_id_list: hosts.map((h) => h.bk_host_id) },
    ...extra,
  };
}

/** A receiver for JOB callbacks that answers the statuses it is given, in order. */
class Receiver {
  readonly calls: Array<{ type: string; body: string }> = [];
  private server: Server | null = null;
  private waiters: Array<() => void> = [];

  constructor(private readonly statuses: number[]) {}

  async start(): Promise<string> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        this.calls.push({ type: req.headers['content-type'] ?? '', body });
        res.statusCode = this.statuses[this.calls.length - 1] ?? 200;
        res.end('{}');
        for (const w of this.waiters.splice(0)) w();
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/callbacks/job`;
  }

  async waitFor(n: number): Promise<void> {
    for (let i = 0; i < 100 && this.calls.length < n; i++) {
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }

  close(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

let hosts: { alive: Host[]; dead: Host[] };

beforeAll(async () => {
  sb = await startTestSandbox();
  hosts = await hostsWithAgents(2, 2, 1);
});
afterAll(async () => {
  await sb.close();
});

describe('JOB fast_execute_script', () => {
  it('runs to SUCCESS with per-host results and script logs (APIGW)', async () => {
    const res = await bkFetch(sb.url, `${APIGW}/fast_execute_script`, {
      body: fastScript(2, hosts.alive, 'echo "hello sandbox"\n', { task_name: 'say hello' }),
    });
    expect(res.json).toMatchObject({ result: true, code: 0, data: { job_instance_name: 'say hello' } });
    const { job_instance_id: jobId, step_instance_id: stepId } = res.json.data;

    const status = await waitFinished(2, jobId);
    expect(status.job_instance).toMatchObject({
      job_instance_id: jobId,
      status: 3,
      bk_scope_id: '2',
      name: 'say hello',
    });
    expect(status.job_instance.end_time).toBeGreaterThanOrEqual(status.job_instance.start_time);
    expect(status.job_instance.total_time).toBe(
      status.job_instance.end_time - status.job_instance.start_time,
    );
    const [step] = status.step_instance_list;
    expect(step).toMatchObject({ step_instance_id: stepId, type: 1, status: 3, execute_count: 0 });
    expect(step.step_ip_result_list).toHaveLength(2);
    for (const r of step.step_ip_result_list) {
      expect(r).toMatchObject({ status: 9, exit_code: 0, error_code: 0 });
      expect(r.start_time).toBeGreaterThan(1_000_000_000_000);
    }

    const logs = await bkFetch(sb.url, `${APIGW}/batch_get_job_instance_ip_log`, {
      body: {
        ...biz(2),
        job_instance_id: jobId,
        step_instance_id: stepId,
        host_id_list: hosts.alive.map((h) => h.bk_host_id),
      },
    });
    expect(logs.json.data).toMatchObject({ job_instance_id: jobId, step_instance_id: stepId, log_type: 1 });
    expect(logs.json.data.script_task_logs).toHaveLength(2);
    for (const l of logs.json.data.script_task_logs) {
      expect(l.log_content).toContain(l.ip);
      expect(l.log_content).toContain('say hello');
      expect(l.log_content).toContain('hello sandbox');
    }

    const one = await bkFetch(sb.url, `${APIGW}/get_job_instance_ip_log`, {
      query: {
        ...biz(2),
        job_instance_id: jobId,
        step_instance_id: stepId,
        bk_cloud_id: hosts.alive[0]!.bk_cloud_id,
        ip: hosts.alive[0]!.ip,
      },
    });
    expect(one.json.data).toMatchObject({
      log_type: 1,
      bk_host_id: hosts.alive[0]!.bk_host_id,
      ip: hosts.alive[0]!.ip,
    });
    expect(one.json.data.log_content).toContain('exit code 0');
  });

  it('fails with exit code 1 on every host when the script exits 1 (ESB)', async () => {
    const res = await bkFetch(sb.url, `${ESB}/fast_execute_script/`, {
      body: fastScript(2, hosts.alive, 'echo boom\nexit 1\n'),
    });
    expect(res.json).toMatchObject({ result: true, message: 'success' });
    const status = await waitFinished(2, res.json.data.job_instance_id, `${ESB}/get_job_instance_status/`);
    expect(status.job_instance.status).toBe(4);
    expect(status.step_instance_list[0].status).toBe(4);
    for (const r of status.step_instance_list[0].step_ip_result_list)
      expect(r).toMatchObject({ status: 11, exit_code: 1 });
  });

  it('fails the hosts whose agent is not alive and succeeds on the others', async () => {
    const res = await bkFetch(sb.url, `${APIGW}/fast_execute_script`, {
      body: fastScript(2, [hosts.alive[0]!, hosts.dead[0]!], 'echo hi\n'),
    });
    const status = await waitFinished(2, res.json.data.job_instance_id);
    expect(status.job_instance.status).toBe(4);
    const byHost = new Map(
      status.step_instance_list[0].step_ip_result_list.map((r: Host & { status: number }) => [
        r.bk_host_id,
        r.status,
      ]),
    );
    expect(byHost.get(hosts.alive[0]!.bk_host_id)).toBe(9);
    expect(byHost.get(hosts.dead[0]!.bk_host_id)).toBe(11);
  });

  it('shows a running job as not finished with running hosts', async () => {
    const slow = await startTestSandbox({ jobMs: 60_000 });
    try {
      const mine = await hostsWithAgents(2, 1, 0, slow.url);
      const res = await bkFetch(slow.url, `${APIGW}/fast_execute_script`, {
        body: fastScript(2, mine.alive, 'echo hi\n'),
      });
      const st = await bkFetch(slow.url, `${APIGW}/get_job_instance_status`, {
        query: { ...biz(2), job_instance_id: res.json.data.job_instance_id, return_ip_result: 'true' },
      });
      expect(st.json.data.finished).toBe(false);
      expect(st.json.data.job_instance.status).toBe(2);
      expect(st.json.data.job_instance).not.toHaveProperty('end_time');
      expect(st.json.data.step_instance_list[0].step_ip_result_list[0]).toMatchObject({ status: 7 });
    } finally {
      await slow.close();
    }
  });

  it.each([
    ['script_content is not base64', { script_content: 'not base64!' }, 1241010],
    ['script_language is out of range', { script_language: 9 }, 1241007],
    ['timeout is 0', { timeout: 0 }, 1241010],
    ['timeout is above 86400', { timeout: 86_401 }, 1241010],
    ['no account is given', { account_alias: undefined }, 1241007],
    ['target_server is missing', { target_server: undefined }, 1241007],
  ])('answers an error when %s', async (_name, patch, code) => {
    const body: Record<string, unknown> = { ...fastScript(2, hosts.alive, 'echo hi'), ...patch };
    for (const k of Object.keys(patch))
      if ((patch as Record<string, unknown>)[k] === undefined) delete body[k];
    const res = await bkFetch(sb.url, `${APIGW}/fast_execute_script`, { body });
    expect(res.json).toMatchObject({ result: false, code });
  });

  it('answers 1244002 for a host outside the business', async () => {
    const other = await hostsWithAgents(3, 1);
    const res = await bkFetch(sb.url, `${APIGW}/fast_execute_script`, {
      body: fastScript(2, other.alive, 'echo hi'),
    });
    expect(res.json).toMatchObject({ result: false, code: 1244002 });
  });

  it('answers 9900403 with permission quick_execute_script for bob', async () => {
    const res = await bkFetch(sb.url, `${APIGW}/fast_execute_script`, {
      body: fastScript(2, hosts.alive, 'echo hi'),
      auth: { bkToken: 'token-bob' },
    });
    expect(res.json).toMatchObject({ result: false, code: 9900403 });
    expect(res.json.permission.actions[0].id).toBe('quick_execute_script');
  });
});

describe('JOB execute_job_plan', () => {
  it('runs a plan with the hosts given in global_var_list and serves file logs', async () => {
    let found: { bizId: number; plan: Awaited<ReturnType<typeof plansOf>>[number] } | undefined;
    for (const bizId of [2, 3, 4]) {
      const plan = (await plansOf(bizId)).find(
        (p) =>
          p.detail.name !== 'chaos drill' && p.detail.step_list.some((s: { type: number }) => s.type === 2),
      );
      if (plan) {
        found = { bizId, plan };
        break;
      }
    }
    if (!found) throw new Error('no seeded plan with a file step');
    const { bizId, plan } = found;
    const targets = (await hostsWithAgents(bizId, 2)).alive;
    const servers = plan.detail.global_var_list.find((v: { type: number }) => v.type === 3);
    const res = await bkFetch(sb.url, `${APIGW}/execute_job_plan`, {
      body: {
        ...biz(bizId),
        job_plan_id: plan.id,
        global_var_list: [{ id: servers.id, server: { host_id_list: targets.map((h) => h.bk_host_id) } }],
      },
    });
    expect(res.json).toMatchObject({ result: true, data: { job_instance_name: plan.detail.name } });
    const status = await waitFinished(bizId, res.json.data.job_instance_id);
    expect(status.job_instance.status).toBe(3);
    expect(status.step_instance_list.map((s: { name: string }) => s.name)).toEqual(
      plan.detail.step_list.map((s: { name: string }) => s.name),
    );
    const fileStep = status.step_instance_list.find((s: { type: number }) => s.type === 2);
    const logs = await bkFetch(sb.url, `${APIGW}/batch_get_job_instance_ip_log`, {
      body: {
        ...biz(bizId),
        job_instance_id: status.job_instance.job_instance_id,
        step_instance_id: fileStep.step_instance_id,
        host_id_list: targets.map((h) => h.bk_host_id),
      },
    });
    expect(logs.json.data.log_type).toBe(2);
    const rows = logs.json.data.file_task_logs as Array<{
      file_logs: Array<{ mode: number; status: number }>;
    }>;
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.file_logs.some((l) => l.mode === 1 && l.status === 4)).toBe(true);
    expect(rows.some((row) => row.file_logs.some((l) => l.mode === 0))).toBe(true);
  });

  it('answers 1243009 for an unknown plan', async () => {
    const res = await bkFetch(sb.url, `${ESB}/execute_job_plan/`, {
      body: { ...biz(2), job_plan_id: 999_999 },
    });
    expect(res.json).toMatchObject({ result: false, code: 1243009 });
  });

  it('answers 1244002 when a host variable names a host outside the business', async () => {
    const [plan] = await plansOf(2);
    const servers = plan!.detail.global_var_list.find((v: { type: number }) => v.type === 3);
    const res = await bkFetch(sb.url, `${APIGW}/execute_job_plan`, {
      body: {
        ...biz(2),
        job_plan_id: plan!.id,
        global_var_list: [{ name: servers.name, server: { host_id_list: [999_999] } }],
      },
    });
    expect(res.json).toMatchObject({ result: false, code: 1244002 });
  });
});

describe('JOB logs and status errors', () => {
  let jobId: number;
  let stepId: number;
  beforeAll(async () => {
    const res = await bkFetch(sb.url, `${APIGW}/fast_execute_script`, {
      body: fastScript(2, hosts.alive, 'echo hi'),
    });
    jobId = res.json.data.job_instance_id;
    stepId = res.json.data.step_instance_id;
  });

  it.each([
    ['501 hosts', Array.from({ length: 501 }, (_, i) => i + 1)],
    ['no hosts', []],
  ])('answers 1241007 for %s', async (_name, ids) => {
    const res = await bkFetch(sb.url, `${APIGW}/batch_get_job_instance_ip_log`, {
      body: { ...biz(2), job_instance_id: jobId, step_instance_id: stepId, host_id_list: ids },
    });
    expect(res.json).toMatchObject({
      result: false,
      code: 1241007,
      message: 'Missing or invalid request parameter [host_id_list/ip_list]',
    });
  });

  it('answers 1244006 for an unknown job and 1244007 for an unknown step', async () => {
    const noJob = await bkFetch(sb.url, `${APIGW}/get_job_instance_status`, {
      query: { ...biz(2), job_instance_id: 1 },
    });
    expect(noJob.json).toMatchObject({ result: false, code: 1244006 });
    const noStep = await bkFetch(sb.url, `${APIGW}/batch_get_job_instance_ip_log`, {
      body: {
        ...biz(2),
        job_instance_id: jobId,
        step_instance_id: 1,
        host_id_list: [hosts.alive[0]!.bk_host_id],
      },
    });
    expect(noStep.json).toMatchObject({ result: false, code: 1244007 });
  });

  it('hides a job from another business scope', async () => {
    const res = await bkFetch(sb.url, `${APIGW}/get_job_instance_status`, {
      query: { ...biz(3), job_instance_id: jobId },
    });
    expect(res.json).toMatchObject({ result: false, code: 1244006 });
  });
});

describe('JOB callback_url', () => {
  it('POSTs the final status as JSON', async () => {
    const receiver = new Receiver([200]);
    const url = await receiver.start();
    try {
      const res = await bkFetch(sb.url, `${APIGW}/fast_execute_script`, {
        body: fastScript(2, hosts.alive, 'echo hi', { callback_url: url }),
      });
      const { job_instance_id: jobId, step_instance_id: stepId } = res.json.data;
      await waitFinished(2, jobId);
      await receiver.waitFor(1);
      expect(receiver.calls).toHaveLength(1);
      expect(receiver.calls[0]!.type).toContain('application/json');
      expect(JSON.parse(receiver.calls[0]!.body)).toEqual({
        job_instance_id: jobId,
        status: 3,
        step_instance_list: [{ step_instance_id: stepId, status: 3 }],
      });
    } finally {
      await receiver.close();
    }
  });

  it('retries once with the form content type and the same JSON text when the JSON callback gets a 500', async () => {
    const receiver = new Receiver([500, 200]);
    const url = await receiver.start();
    try {
      const res = await bkFetch(sb.url, `${APIGW}/fast_execute_script`, {
        body: fastScript(2, hosts.alive, 'exit 1', { callback_url: url }),
      });
      const jobId = res.json.data.job_instance_id;
      await waitFinished(2, jobId);
      await receiver.waitFor(2);
      expect(receiver.calls).toHaveLength(2);
      expect(receiver.calls[1]!.type).toContain('application/x-www-form-urlencoded');
      // bk-job posts the one JSON string both times (see src/sandbox/apis/job/callback.ts).
      expect(receiver.calls[1]!.body).toBe(receiver.calls[0]!.body);
      const retried = JSON.parse(receiver.calls[1]!.body);
      expect(retried).toMatchObject({ job_instance_id: jobId, status: 4 });
      expect(retried.step_instance_list[0].status).toBe(4);
    } finally {
      await receiver.close();
    }
  });
});

describe('JOB data reset', () => {
  it('forgets job instances and re-seeds the same plans', async () => {
    const before = await bkFetch(sb.url, `${APIGW}/get_job_plan_list`, { query: biz(2) });
    const res = await bkFetch(sb.url, `${APIGW}/fast_execute_script`, {
      body: fastScript(2, hosts.alive, 'echo hi'),
    });
    const jobId = res.json.data.job_instance_id as number;
    await sb.reset(true);
    const gone = await bkFetch(sb.url, `${APIGW}/get_job_instance_status`, {
      query: { ...biz(2), job_instance_id: jobId },
    });
    expect(gone.json).toMatchObject({ result: false, code: 1244006 });
    const after = await bkFetch(sb.url, `${APIGW}/get_job_plan_list`, { query: biz(2) });
    expect(after.json.data).toEqual(before.json.data);
  });
});
