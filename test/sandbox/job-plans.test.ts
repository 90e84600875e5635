import type { TestSandbox } from '../helpers/sandbox';
import { bkFetch, startTestSandbox } from '../helpers/sandbox';

let sb: TestSandbox;

const APIGW = '/api/bk-job/prod/api/v3';
const ESB = '/api/c/compapi/v2/jobv3';
const biz = (id: number) => ({ bk_scope_type: 'biz', bk_scope_id: String(id) });

beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb.close();
});

describe('JOB get_job_plan_list', () => {
  it('lists the plans of a business with total, start and length (APIGW GET)', async () => {
    const res = await bkFetch(sb.url, `${APIGW}/get_job_plan_list`, { query: biz(2) });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ result: true, code: 0 });
    expect(typeof res.json.job_request_id).toBe('string');
    const { data, total, start, length } = res.json.data;
    expect(start).toBe(0);
    expect(length).toBe(20);
    expect(total).toBeGreaterThanOrEqual(3);
    expect(total).toBeLessThanOrEqual(8);
    expect(data).toHaveLength(total);
    for (const p of data) {
      expect(p).toMatchObject({ bk_scope_type: 'biz', bk_scope_id: '2' });
      expect(typeof p.id).toBe('number');
      expect(typeof p.name).toBe('string');
      expect(typeof p.create_time).toBe('number');
      expect(p.create_time).toBeGreaterThan(1_000_000_000_000); // milliseconds
      expect(typeof p.need_update).toBe('boolean');
    }
  });

  it('pages with start/length while total stays the number of matches (ESB POST)', async () => {
    const all = await bkFetch(sb.url, `${ESB}/get_job_plan_list/`, { body: biz(3) });
    const total = all.json.data.total as number;
    const page = await bkFetch(sb.url, `${ESB}/get_job_plan_list/`, {
      body: { ...biz(3), start: 1, length: 2 },
    });
    expect(page.json).toMatchObject({ result: true, code: 0, message: 'success' });
    expect(typeof page.json.request_id).toBe('string');
    expect(page.json.data.total).toBe(total);
    expect(page.json.data.data.map((p: { id: number }) => p.id)).toEqual(
      all.json.data.data.slice(1, 3).map((p: { id: number }) => p.id),
    );
  });

  it('filters by name, case-insensitively and by substring', async () => {
    const all = await bkFetch(sb.url, `${APIGW}/get_job_plan_list`, { query: biz(2) });
    const name = all.json.data.data[0].name as string;
    const part = name.slice(1, 5).toUpperCase();
    const res = await bkFetch(sb.url, `${APIGW}/get_job_plan_list`, { query: { ...biz(2), name: part } });
    expect(res.json.data.total).toBeGreaterThanOrEqual(1);
    for (const p of res.json.data.data) expect(p.name.toLowerCase()).toContain(part.toLowerCase());
  });

  it('answers 1241010 when length exceeds 1000', async () => {
    const res = await bkFetch(sb.url, `${APIGW}/get_job_plan_list`, { query: { ...biz(2), length: 1001 } });
    expect(res.json).toMatchObject({ result: false, code: 1241010 });
    expect(res.json.message).toContain('[length]');
  });

  it('accepts the deprecated bk_biz_id instead of the scope', async () => {
    const res = await bkFetch(sb.url, `${ESB}/get_job_plan_list/`, { body: { bk_biz_id: 2 } });
    expect(res.json.result).toBe(true);
    expect(res.json.data.data[0].bk_scope_id).toBe('2');
  });

  it('answers 1241007 when the scope is missing', async () => {
    const res = await bkFetch(sb.url, `${APIGW}/get_job_plan_list`, { query: {} });
    expect(res.json).toMatchObject({ result: false, code: 1241007 });
    expect(res.json.message).toMatch(/^Missing or invalid request parameter \[/);
  });

  it('answers 9900403 with the permission object when bob lists plans', async () => {
    const res = await bkFetch(sb.url, `${APIGW}/get_job_plan_list`, {
      query: biz(2),
      auth: { bkToken: 'token-bob' },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ result: false, code: 9900403 });
    expect(res.json).not.toHaveProperty('data');
    expect(res.json.permission).toMatchObject({ system_id: 'bk_job' });
    expect(res.json.permission.actions[0].id).toBe('view_job_plan');
  });

  it('lets alice see the plans of her businesses but not of business 2', async () => {
    const hers = await bkFetch(sb.url, `${APIGW}/get_job_plan_list`, {
      query: biz(3),
      auth: { bkToken: 'token-alice' },
    });
    expect(hers.json.result).toBe(true);
    const other = await bkFetch(sb.url, `${APIGW}/get_job_plan_list`, {
      query: biz(2),
      auth: { bkToken: 'token-alice' },
    });
    expect(other.json.code).toBe(9900403);
  });
});

describe('JOB get_job_plan_detail', () => {
  it('returns variables of every type and steps in the documented shapes', async () => {
    const list = await bkFetch(sb.url, `${APIGW}/get_job_plan_list`, { query: biz(2) });
    const types = new Set<number>();
    for (const p of list.json.data.data as Array<{ id: number }>) {
      const res = await bkFetch(sb.url, `${APIGW}/get_job_plan_detail`, {
        query: { ...biz(2), job_plan_id: p.id },
      });
      const d = res.json.data;
      expect(d).toMatchObject({ bk_scope_type: 'biz', bk_scope_id: '2', job_plan_id: p.id });
      expect(d.global_var_list.map((v: { type: number }) => v.type).sort()).toEqual([1, 2, 3, 4, 5]);
      const servers = d.global_var_list.find((v: { type: number }) => v.type === 3);
      expect(servers.server.ip_list.length).toBeGreaterThan(0);
      expect(Object.keys(servers.server.ip_list[0]).sort()).toEqual(['bk_cloud_id', 'bk_host_id', 'ip']);
      expect(d.step_list.length).toBeGreaterThanOrEqual(1);
      expect(d.step_list.length).toBeLessThanOrEqual(4);
      for (const s of d.step_list) {
        types.add(s.type);
        if (s.type === 1) {
          expect(Buffer.from(s.script_info.script_content, 'base64').toString()).toContain('echo');
          expect(s.script_info).toMatchObject({ script_type: 1, account: 'root' });
        }
        if (s.type === 2) expect(s.file_info.file_destination.path).toMatch(/^\//);
        if (s.type === 3) expect(s.approval_info).toBeDefined();
      }
    }
    expect(types.has(1)).toBe(true);
  });

  it('answers 1243009 for a plan of another business', async () => {
    const other = await bkFetch(sb.url, `${APIGW}/get_job_plan_list`, { query: biz(3) });
    const planId = other.json.data.data[0].id as number;
    const res = await bkFetch(sb.url, `${ESB}/get_job_plan_detail/`, {
      body: { ...biz(2), job_plan_id: planId },
    });
    expect(res.json).toMatchObject({ result: false, code: 1243009 });
  });

  it('answers 1241007 when job_plan_id is missing', async () => {
    const res = await bkFetch(sb.url, `${APIGW}/get_job_plan_detail`, { query: biz(2) });
    expect(res.json).toMatchObject({ result: false, code: 1241007 });
    expect(res.json.message).toContain('[job_plan_id]');
  });
});
