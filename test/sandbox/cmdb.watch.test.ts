import { bkFetch, startTestSandbox } from '../helpers/sandbox';
import type { TestSandbox } from '../helpers/sandbox';

const WATCH = (resource: string) => `/api/bk-cmdb/prod/api/v3/event/watch/resource/${resource}`;
const NO_EVENT_CURSOR = 'MQ0xDTVlYTZkM2YzOTRjMWY1ZDk4NmU5YmQ4Ng1ub0V2ZW50DTENMQ0=';

let sb: TestSandbox;
beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(() => sb.close());

const watch = (resource: string, body: Record<string, unknown>) => bkFetch(sb.url, WATCH(resource), { body });
const control = async (path: string, body: unknown) => {
  const res = await fetch(`${sb.url}/_sandbox${path}`, { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return res.json();
};
/** Lets the long poll reach its wait before the change happens (the outcome does not depend on it). */
const tick = () => new Promise((r) => setTimeout(r, 30));
/** The cursor of the newest event of a resource so far (replayed from the start of the chain). */
async function latestCursor(resource: string, fields: string[]): Promise<string> {
  const res = await watch(resource, { bk_fields: fields, bk_start_from: 1 });
  expect(res.json.data.bk_watched).toBe(true);
  return res.json.data.bk_events.at(-1).bk_cursor as string;
}

describe('resource_watch', () => {
  test('answers bk_watched false with one element carrying NoEventCursor when nothing happens', async () => {
    const res = await watch('host', { bk_fields: ['bk_host_id'] });
    expect(res.json).toMatchObject({ result: true, code: 0 });
    expect(res.json.data).toEqual({
      bk_watched: false,
      bk_events: [{ bk_cursor: NO_EVENT_CURSOR, bk_resource: 'host', bk_event_type: '', bk_detail: null }],
    });
  });

  test('wakes a long poll with host_relation delete and create events after a host transfer', async () => {
    await control('/cmdb/hosts/4/transfer', { bk_module_ids: [11] });
    const cursor = await latestCursor('host_relation', []);
    const pending = watch('host_relation', { bk_cursor: cursor });
    await tick();
    const moved = await control('/cmdb/hosts/5/transfer', { bk_module_ids: [10] });
    const res = await pending;
    expect(res.json.data.bk_watched).toBe(true);
    const events = res.json.data.bk_events;
    expect(events.map((e: { bk_event_type: string }) => e.bk_event_type)).toContain('delete');
    const created = events.filter((e: { bk_event_type: string }) => e.bk_event_type === 'create');
    expect(created.map((e: { bk_detail: unknown }) => e.bk_detail)).toEqual(moved.relations);
    expect(events[0]).toEqual({
      bk_cursor: expect.any(String),
      bk_resource: 'host_relation',
      bk_event_type: 'delete',
      bk_detail: expect.objectContaining({ bk_host_id: 5 }),
    });
  });

  test('continues from a cursor, projects bk_fields and returns the caller cursor when idle', async () => {
    await control('/cmdb/hosts/6', { bk_cpu: 8 });
    const start = await latestCursor('host', ['bk_host_id']);
    const first = watch('host', { bk_fields: ['bk_host_id', 'bk_cpu'], bk_cursor: start });
    await tick();
    await control('/cmdb/hosts/7', { bk_cpu: 64 });
    const a = (await first).json.data;
    expect(a.bk_events).toEqual([
      {
        bk_cursor: expect.any(String),
        bk_resource: 'host',
        bk_event_type: 'update',
        bk_detail: { bk_host_id: 7, bk_cpu: 64 },
      },
    ]);
    const cursor = a.bk_events[0].bk_cursor;
    await control('/cmdb/hosts/8', { bk_host_name: 'renamed' });
    const b = (await watch('host', { bk_fields: ['bk_host_name'], bk_cursor: cursor })).json.data;
    expect(b.bk_watched).toBe(true);
    expect(b.bk_events.map((e: { bk_detail: unknown }) => e.bk_detail)).toEqual([
      { bk_host_name: 'renamed' },
    ]);
    const last = b.bk_events[0].bk_cursor;
    const idle = (await watch('host', { bk_fields: ['bk_host_id'], bk_cursor: last })).json.data;
    expect(idle).toEqual({
      bk_watched: false,
      bk_events: [{ bk_cursor: last, bk_resource: 'host', bk_event_type: '', bk_detail: null }],
    });
  });

  test('replays events since bk_start_from and filters by bk_event_types', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    await control('/cmdb/businesses/3', { bk_biz_maintainer: 'alice' });
    const res = (await watch('biz', { bk_fields: ['bk_biz_id', 'bk_biz_maintainer'], bk_start_from: since }))
      .json.data;
    expect(res.bk_events.at(-1)).toMatchObject({
      bk_event_type: 'update',
      bk_detail: { bk_biz_id: 3, bk_biz_maintainer: 'alice' },
    });
    const onlyCreates = (
      await watch('biz', { bk_fields: ['bk_biz_id'], bk_start_from: since, bk_event_types: ['create'] })
    ).json.data;
    expect(onlyCreates.bk_watched).toBe(false);
  });

  test('answers 1103007 for an unknown or expired cursor', async () => {
    await control('/cmdb/hosts/9', { bk_cpu: 4 });
    const cursor = await latestCursor('host', ['bk_host_id']);
    await control('/cmdb/watch/expire', {});
    for (const c of [cursor, 'bm90LWEtY3Vyc29y']) {
      const res = await watch('host', { bk_fields: ['bk_host_id'], bk_cursor: c });
      expect(res.json).toMatchObject({
        result: false,
        code: 1103007,
        message: 'Event chain node not exist',
        data: null,
      });
    }
  });

  test('rejects bk_start_from with bk_cursor, missing bk_fields and unknown resources', async () => {
    const both = await watch('host', {
      bk_fields: ['bk_host_id'],
      bk_start_from: 1,
      bk_cursor: NO_EVENT_CURSOR,
    });
    expect(both.json).toMatchObject({
      result: false,
      code: 1199006,
      message: 'bk_start_from and bk_cursor can not use at the same time',
    });
    const noFields = await watch('biz', {});
    expect(noFields.json).toMatchObject({
      result: false,
      code: 1199006,
      message: 'biz event must have fields',
    });
    const unknown = await watch('planet', { bk_fields: ['x'] });
    expect(unknown.json).toMatchObject({ result: false, code: 1199006 });
  });

  test('works over ESB with bk_resource in the body', async () => {
    const res = await bkFetch(sb.url, '/api/c/compapi/v2/cc/resource_watch/', {
      body: { bk_resource: 'set', bk_fields: ['bk_set_id'] },
    });
    expect(res.json).toMatchObject({
      result: true,
      request_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      data: { bk_watched: false },
    });
  });
});
