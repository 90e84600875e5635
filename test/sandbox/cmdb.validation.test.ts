import { bkFetch, startTestSandbox } from '../helpers/sandbox';
import type { TestSandbox } from '../helpers/sandbox';

const GW = '/api/bk-cmdb/prod';

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(() => sb.close());

async function expectError(path: string, body: unknown, code: number, message: string) {
  const res = await bkFetch(sb.url, path.startsWith('/api/c/') ? path : `${GW}${path}`, { body });
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({ result: false, code, message, permission: null, data: null });
}

const invalid = (field: string) => `'${field}' data parameter verification does not pass`;
const HOST_FIELDS = ['bk_host_id'];

describe('CMDB validation errors', () => {
  test('page.limit over the documented maximum is 1199006 page.limit', async () => {
    await expectError(
      '/api/v3/hosts/app/2/list_hosts',
      { page: { start: 0, limit: 501 }, fields: HOST_FIELDS },
      1199006,
      invalid('page.limit'),
    );
    await expectError(
      '/api/v3/hosts/app/2/list_hosts_topo',
      { page: { start: 0, limit: 501 }, fields: HOST_FIELDS },
      1199006,
      invalid('page.limit'),
    );
    await expectError(
      '/api/v3/findmany/hosts/by_topo/biz/2',
      { bk_obj_id: 'set', bk_inst_id: 5, page: { start: 0, limit: 501 }, fields: HOST_FIELDS },
      1199006,
      invalid('page.limit'),
    );
    await expectError(
      '/api/v3/biz/search/0',
      { page: { start: 0, limit: 201 } },
      1199006,
      invalid('page.limit'),
    );
    await expectError(
      '/api/v3/set/search/0/2',
      { page: { start: 0, limit: 201 }, fields: ['bk_set_id'] },
      1199006,
      invalid('page.limit'),
    );
  });

  test('a missing page where it is required is 1199006 page.limit', async () => {
    await expectError(
      '/api/v3/hosts/app/2/list_hosts',
      { fields: HOST_FIELDS },
      1199006,
      invalid('page.limit'),
    );
  });

  test('bk_biz_id 0 or missing is 1199006 bk_biz_id', async () => {
    await expectError(
      '/api/v3/hosts/app/0/list_hosts',
      { page: { start: 0, limit: 10 }, fields: HOST_FIELDS },
      1199006,
      invalid('bk_biz_id'),
    );
    await expectError(
      '/api/c/compapi/v2/cc/list_biz_hosts/',
      { page: { start: 0, limit: 10 }, fields: HOST_FIELDS },
      1199006,
      invalid('bk_biz_id'),
    );
  });

  test('missing fields is 1199008 where fields are required', async () => {
    await expectError(
      '/api/v3/hosts/app/2/list_hosts',
      { page: { start: 0, limit: 10 } },
      1199008,
      "'fields' cannot be omitted",
    );
    await expectError(
      '/api/v3/set/search/0/2',
      { page: { start: 0, limit: 10 }, fields: [] },
      1199008,
      "'fields' cannot be omitted",
    );
  });

  test('mutually exclusive parameters are 1199006', async () => {
    await expectError(
      '/api/v3/hosts/app/2/list_hosts',
      { page: { start: 0, limit: 10 }, fields: HOST_FIELDS, bk_set_ids: [1], set_cond: [] },
      1199006,
      "bk_set_ids and set_cond can't both be set",
    );
    await expectError(
      '/api/v3/hosts/app/2/list_hosts',
      { page: { start: 0, limit: 10 }, fields: HOST_FIELDS, bk_module_ids: [1], module_cond: [] },
      1199006,
      "bk_module_ids and module_cond can't both be set",
    );
    await expectError(
      '/api/v3/biz/search/0',
      {
        condition: {},
        biz_property_filter: {
          condition: 'AND',
          rules: [{ field: 'bk_biz_id', operator: 'equal', value: 1 }],
        },
      },
      1199006,
      "condition and biz_property_filter can't both be set",
    );
    await expectError(
      '/api/v3/set/search/0/2',
      {
        page: { start: 0, limit: 10 },
        fields: ['bk_set_id'],
        condition: {},
        filter: { condition: 'AND', rules: [] },
      },
      1199006,
      "condition and filter can't both be set",
    );
  });

  test('find_host_topo_relation checks its page, list sizes and empty condition', async () => {
    const path = '/api/v3/host/topo/relation/read';
    await expectError(
      path,
      { bk_biz_id: 2, page: { start: 0, limit: 0 } },
      1199059,
      'page limit is exceeded. suggestion 200',
    );
    await expectError(
      path,
      { bk_biz_id: 2, page: { start: 0, limit: 1001 } },
      1199059,
      'page limit is exceeded. suggestion 200',
    );
    const many = Array.from({ length: 201 }, (_, i) => i + 1);
    await expectError(
      path,
      { bk_biz_id: 2, bk_set_ids: many, page: { start: 0, limit: 10 } },
      1199035,
      'bk_set_ids exceed the limit 200',
    );
    await expectError(path, { page: { start: 0, limit: 10 } }, 1199005, 'The input is empty');
  });

  test('querybuilder rules with an unknown operator, bad value or too deep nesting are 1199006', async () => {
    const base = { page: { start: 0, limit: 10 }, fields: HOST_FIELDS };
    const path = '/api/v3/hosts/app/2/list_hosts';
    await expectError(
      path,
      {
        ...base,
        host_property_filter: {
          condition: 'AND',
          rules: [{ field: 'bk_os_type', operator: 'like', value: '1' }],
        },
      },
      1199006,
      invalid('host_property_filter'),
    );
    await expectError(
      path,
      {
        ...base,
        host_property_filter: {
          condition: 'AND',
          rules: [{ field: 'bk_cloud_id', operator: 'in', value: 0 }],
        },
      },
      1199006,
      invalid('host_property_filter'),
    );
    const deep = {
      condition: 'AND',
      rules: [
        {
          condition: 'OR',
          rules: [{ condition: 'AND', rules: [{ field: 'bk_host_id', operator: 'equal', value: 1 }] }],
        },
      ],
    };
    await expectError(
      path,
      { ...base, host_property_filter: deep },
      1199006,
      invalid('host_property_filter'),
    );
  });

  test('find_host_by_topo refuses biz and host as bk_obj_id', async () => {
    await expectError(
      '/api/v3/findmany/hosts/by_topo/biz/2',
      { bk_obj_id: 'biz', bk_inst_id: 2, page: { start: 0, limit: 10 }, fields: HOST_FIELDS },
      1199006,
      invalid('bk_obj_id'),
    );
  });

  test('search_module needs a condition', async () => {
    await expectError(
      '/api/v3/module/search/0/2/0',
      { page: { start: 0, limit: 10 }, fields: ['bk_module_id'] },
      1199008,
      "'condition' cannot be omitted",
    );
  });

  test('an unknown business answers an empty result for admin', async () => {
    const res = await bkFetch(sb.url, `${GW}/api/v3/hosts/app/9999/list_hosts`, {
      body: { page: { start: 0, limit: 10 }, fields: HOST_FIELDS },
    });
    expect(res.json).toMatchObject({ result: true, data: { count: 0, info: [] } });
  });
});
