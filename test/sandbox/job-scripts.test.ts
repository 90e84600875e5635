import type { TestSandbox } from '../helpers/sandbox';
import { bkFetch, startTestSandbox } from '../helpers/sandbox';
import { control } from './callback-receiver';
import type { Host } from './job-support';
import { b64, biz, JOB, JOB_ESB, liveHosts, waitFinished } from './job-support';

interface Script {
  id: string;
  bk_scope_type: string;
  bk_scope_id: string;
  name: string;
  script_language: number;
  online_script_version_id: number | null;
  creator: string;
  create_time: number;
  last_modify_user: string;
  last_modify_time: number;
}

let sb: TestSandbox;
let hosts: Host[];

async function scriptsOf(bizId: number, query: Record<string, string | number> = {}, url = sb.url) {
  const res = await bkFetch(url, `${JOB}/get_script_list`, {
    query: { ...biz(bizId), length: 1000, ...query },
  });
  expect(res.json).toMatchObject({ result: true, code: 0 });
  return res.json.data as { data: Script[]; start: number; length: number; total: number };
}

async function scriptNamed(bizId: number, name: string): Promise<Script> {
  const s = (await scriptsOf(bizId)).data.find((x) => x.name === name);
  if (!s) throw new Error(`business ${bizId} has no ${name}`);
  return s;
}

/** A script of business 2 other than `not`, with an online version, that prints something. */
async function anotherRunnable(not: string): Promise<Script> {
  const s = (await scriptsOf(2, { script_language: 1 })).data.find(
    (x) => x.name !== not && x.online_script_version_id !== null && !x.name.startsWith('fail'),
  );
  if (!s) throw new Error('business 2 has a single runnable shell script');
  return s;
}

function runBody(extra: Record<string, unknown>) {
  return {
    ...biz(2),
    account_alias: 'root',
    target_server: { host_id_list: hosts.map((h) => h.bk_host_id) },
    ...extra,
  };
}

/** Runs fast_execute_script to the end; resolves to the sandbox's record and the hosts' logs. */
async function runToEnd(extra: Record<string, unknown>) {
  const res = await bkFetch(sb.url, `${JOB}/fast_execute_script`, { body: runBody(extra) });
  expect(res.json).toMatchObject({ result: true, code: 0 });
  const { job_instance_id: jobId, step_instance_id: stepId } = res.json.data;
  const status = await waitFinished(sb.url, 2, jobId);
  const logs = await bkFetch(sb.url, `${JOB}/batch_get_job_instance_ip_log`, {
    body: {
      ...biz(2),
      job_instance_id: jobId,
      step_instance_id: stepId,
      host_id_list: [hosts[0]!.bk_host_id],
    },
  });
  const record = await control(sb.url, 'GET', `/job/instances/${jobId}`);
  return {
    status,
    log: logs.json.data.script_task_logs[0].log_content as string,
    step: record.json.steps[0],
  };
}

beforeAll(async () => {
  sb = await startTestSandbox();
  hosts = await liveHosts(sb.url, 2, 2);
});
afterAll(async () => {
  await sb.close();
});

describe('JOB get_script_list', () => {
  it("lists a business's scripts filtered by language with the total of all matches", async () => {
    const all = await scriptsOf(2);
    expect(all.total).toBeGreaterThanOrEqual(5);
    expect(all.data).toHaveLength(all.total);
    expect(new Set(all.data.map((s) => s.script_language)).size).toBeGreaterThan(1);
    for (const s of all.data) {
      expect(Object.keys(s)).toEqual([
        'id',
        'bk_scope_type',
        'bk_scope_id',
        'name',
        'script_language',
        'online_script_version_id',
        'creator',
        'create_time',
        'last_modify_user',
        'last_modify_time',
      ]);
      expect(s).toMatchObject({ bk_scope_type: 'biz', bk_scope_id: '2' });
      expect(s.id).toMatch(/^[0-9a-f]{32}$/);
      expect(s.name).toMatch(/\.(sh|bat|pl|py|ps1|sql)$/);
      expect(s.create_time).toBeGreaterThan(1_000_000_000_000); // milliseconds
      expect(s.last_modify_time).toBeGreaterThanOrEqual(s.create_time);
    }
    const times = all.data.map((s) => s.last_modify_time);
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const shell = await scriptsOf(2, { script_language: 1, length: 2 });
    const shellAll = all.data.filter((s) => s.script_language === 1);
    expect(shell.total).toBe(shellAll.length);
    expect(shell.data.map((s) => s.id)).toEqual(shellAll.slice(0, 2).map((s) => s.id));
  });

  it('pages with start and length (default 0 and 20) while total counts every match', async () => {
    const all = await scriptsOf(2);
    const page = await scriptsOf(2, { start: 1, length: 2 });
    expect(page).toMatchObject({ start: 1, length: 2, total: all.total });
    expect(page.data.map((s) => s.id)).toEqual(all.data.slice(1, 3).map((s) => s.id));
    const defaults = await bkFetch(sb.url, `${JOB}/get_script_list`, { query: biz(2) });
    expect(defaults.json.data).toMatchObject({ start: 0, length: 20, total: all.total });
    const thousand = await scriptsOf(2, { length: 1000 });
    expect(thousand.length).toBe(1000);
  });

  it('finds scripts by a case-insensitive part of their name', async () => {
    const res = await scriptsOf(2, { name: 'ECK_DI' });
    expect(res.total).toBe(1);
    expect(res.data[0]).toMatchObject({ name: 'check_disk.sh', script_language: 1 });
    expect(res.data[0]!.online_script_version_id).toEqual(expect.any(Number));
  });

  it('shows a script that was never published with online_script_version_id null', async () => {
    const draft = await scriptNamed(2, 'draft_migration.sh');
    expect(draft.online_script_version_id).toBeNull();
  });

  it('answers the same scripts through ESB, also for the deprecated bk_biz_id', async () => {
    const apigw = await scriptsOf(3);
    const esb = await bkFetch(sb.url, `${JOB_ESB}/get_script_list/`, {
      body: { bk_biz_id: 3, length: 1000 },
    });
    expect(esb.json).toMatchObject({ result: true, code: 0, message: 'success' });
    expect(esb.json.data.data).toEqual(apigw.data);
  });

  it('gives every business its own scripts, the same ones again after a data reset', async () => {
    const two = await scriptsOf(2);
    const three = await scriptsOf(3);
    expect(three.data.map((s) => s.id)).not.toContain(two.data[0]!.id);
    const other = await startTestSandbox({ seed: 8 });
    try {
      const elsewhere = await scriptsOf(2, {}, other.url);
      expect(elsewhere.data.map((s) => s.id)).not.toContain(two.data[0]!.id);
    } finally {
      await other.close();
    }
    await sb.reset(true);
    hosts = await liveHosts(sb.url, 2, 2);
    expect(await scriptsOf(2)).toEqual(two);
  });

  it.each([
    [
      'length is 1001',
      { length: 1001 },
      1241010,
      'Invalid request parameter [length], reason: must be between 1 and 1000',
    ],
    [
      'length is 0',
      { length: 0 },
      1241010,
      'Invalid request parameter [length], reason: must be between 1 and 1000',
    ],
    ['start is negative', { start: -1 }, 1241010, undefined],
    [
      'script_language is 7',
      { script_language: 7 },
      1241007,
      'Missing or invalid request parameter [script_language]',
    ],
  ])('answers an error when %s', async (_name, query, code, message) => {
    const res = await bkFetch(sb.url, `${JOB}/get_script_list`, { query: { ...biz(2), ...query } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ result: false, code });
    if (message) expect(res.json.message).toBe(message);
  });

  it('answers 9900403 with a view_script permission for a user without the business', async () => {
    for (const token of ['token-bob', 'token-alice']) {
      const res = await bkFetch(sb.url, `${JOB}/get_script_list`, {
        query: biz(2),
        auth: { bkToken: token },
      });
      expect(res.json).toMatchObject({ result: false, code: 9900403 });
      expect(res.json).not.toHaveProperty('data');
      expect(res.json.permission).toMatchObject({ system_id: 'bk_job' });
      expect(res.json.permission.actions[0].id).toBe('view_script');
      expect(res.json.permission.actions[0].related_resource_types[0].instances[0][0].id).toBe('2');
    }
    const hers = await bkFetch(sb.url, `${JOB}/get_script_list`, {
      query: biz(3),
      auth: { bkToken: 'token-alice' },
    });
    expect(hers.json.result).toBe(true);
  });
});

describe('JOB fast_execute_script with a stored script', () => {
  it("runs a script's online version by script_id and logs it like inline scripts", async () => {
    const script = await scriptNamed(2, 'check_disk.sh');
    const { status, log, step } = await runToEnd({ script_id: script.id });
    expect(status.job_instance.status).toBe(3);
    expect(step).toMatchObject({ script_id: script.id, script_version_id: script.online_script_version_id });
    expect(log).toMatch(/check_disk 1\.\d\.0/);
    expect(log).toContain('disk ok');
    expect(log).toContain('exit code 0');
  });

  it('prefers script_version_id over script_id, and script_id over script_content', async () => {
    const disk = await scriptNamed(2, 'check_disk.sh');
    const other = await anotherRunnable('check_disk.sh');
    const byVersion = await runToEnd({
      script_version_id: disk.online_script_version_id,
      script_id: other.id,
      script_content: b64('echo "inline content"'),
      script_language: 1,
    });
    expect(byVersion.step.script_version_id).toBe(disk.online_script_version_id);
    expect(byVersion.log).toContain('disk ok');
    expect(byVersion.log).not.toContain('inline content');

    const byId = await runToEnd({ script_id: other.id, script_content: b64('echo "inline content"') });
    expect(byId.step).toMatchObject({
      script_id: other.id,
      script_version_id: other.online_script_version_id,
    });
    expect(byId.log).not.toContain('inline content');
  });

  it.each([
    ['a script id that does not exist', async () => ({ script_id: 'f'.repeat(32) }), '[script_id]'],
    [
      "another business's script",
      async () => ({ script_id: (await scriptNamed(3, 'check_disk.sh')).id }),
      '[script_id]',
    ],
    [
      'a script without an online version',
      async () => ({ script_id: (await scriptNamed(2, 'draft_migration.sh')).id }),
      '[script_id]',
    ],
    ['an unknown script_version_id', async () => ({ script_version_id: 1 }), '[script_version_id]'],
  ])('answers 1241010 for %s', async (_name, make, param) => {
    const res = await bkFetch(sb.url, `${JOB}/fast_execute_script`, {
      body: runBody({ ...(await make()), script_content: b64('echo never'), script_language: 1 }),
    });
    expect(res.json).toMatchObject({ result: false, code: 1241010 });
    expect(res.json.message).toMatch(/^Invalid request parameter \[\w+\], reason: .+/);
    expect(res.json.message).toContain(param);
  });

  it('says why a script with no online version cannot run', async () => {
    const draft = await scriptNamed(2, 'draft_migration.sh');
    const res = await bkFetch(sb.url, `${JOB}/fast_execute_script`, {
      body: runBody({ script_id: draft.id }),
    });
    expect(res.json.message).toBe(
      `Invalid request parameter [script_id], reason: script ${draft.id} has no online version`,
    );
  });
});
