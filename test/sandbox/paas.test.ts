import type { TestSandbox } from '../helpers/sandbox';
import { bkFetch, startTestSandbox } from '../helpers/sandbox';

let sb: TestSandbox;

const ESB = '/api/c/compapi/v2/bk_paas/get_app_info/';
const APIGW = '/api/bkpaas3/prod/system/uni_applications/query/by_id/';

beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb.close();
});

describe('bk_paas ESB get_app_info', () => {
  it('answers code and name of the asked apps with message ""', async () => {
    const res = await bkFetch(sb.url, ESB, { query: { target_app_code: 'bk_job;bk-graph;nope' } });
    expect(res.json).toEqual({
      result: true,
      code: 0,
      message: '',
      data: [
        { bk_app_code: 'bk-graph', bk_app_name: expect.any(String) },
        { bk_app_code: 'bk_job', bk_app_name: '作业平台' },
      ],
      request_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  });

  it('projects the ";"-separated fields', async () => {
    const res = await bkFetch(sb.url, ESB, {
      body: { target_app_code: 'bk_itsm', fields: 'bk_app_code;developer;creator' },
    });
    expect(res.json.data).toEqual([
      { bk_app_code: 'bk_itsm', developer: expect.stringContaining('admin'), creator: 'admin' },
    ]);
  });

  it('lists every app when target_app_code is empty', async () => {
    const res = await bkFetch(sb.url, ESB, { query: {} });
    const codes = res.json.data.map((a: { bk_app_code: string }) => a.bk_app_code);
    expect(codes).toEqual(expect.arrayContaining(['bk-graph', 'bk_itsm', 'bk_job', 'bk_cmdb']));
  });
});

describe('bkpaas3 uni_apps_query_by_id', () => {
  it('answers a bare array in id order with null for unknown ids', async () => {
    const res = await bkFetch(sb.url, APIGW, { auth: {}, query: { id: 'bk_cmdb,nope,bk-graph' } });
    expect(res.status).toBe(200);
    expect(Array.isArray(res.json)).toBe(true);
    expect(res.json).toHaveLength(3);
    expect(res.json[1]).toBeNull();
    expect(res.json[0]).toMatchObject({ code: 'bk_cmdb', name: '配置平台', source: 2, region: 'default' });
    expect(res.json[2]).toMatchObject({ code: 'bk-graph', developers: expect.arrayContaining(['admin']) });
    expect(Object.keys(res.json[2]).sort()).toEqual(
      [
        'code',
        'contact_info',
        'created',
        'creator',
        'developers',
        'logo_url',
        'name',
        'region',
        'source',
      ].sort(),
    );
  });

  it('hides inactive apps unless include_inactive_apps is true', async () => {
    const hidden = await bkFetch(sb.url, APIGW, { auth: {}, query: { id: 'legacy-report' } });
    expect(hidden.json).toEqual([null]);
    const shown = await bkFetch(sb.url, APIGW, {
      auth: {},
      query: { id: 'legacy-report', include_inactive_apps: 'true' },
    });
    expect(shown.json[0]).toMatchObject({ code: 'legacy-report' });
  });

  it('leaves developers out when include_developers_info is false', async () => {
    const res = await bkFetch(sb.url, APIGW, {
      auth: {},
      query: { id: 'bk_job', include_developers_info: 'false' },
    });
    expect(res.json[0].developers).toEqual([]);
  });

  it('answers 400 when id is missing', async () => {
    const res = await bkFetch(sb.url, APIGW, { auth: {} });
    expect(res.status).toBe(400);
  });
});
