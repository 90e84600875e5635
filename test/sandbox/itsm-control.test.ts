import type { TestSandbox } from '../helpers/sandbox';
import { bkFetch, startTestSandbox } from '../helpers/sandbox';
import { CallbackReceiver, control, sleep } from './callback-receiver';

/**
 * ITSM callbacks that tests can lose and race (CONTRACTS.md §7.6, §7.10): dropped and delayed
 * callbacks, tickets decided by themselves right after create_ticket, and tickets of other apps
 * in the shared failed-callback list.
 */

const ITSM = '/api/bk-itsm/prod/v2/itsm';

let sb: TestSandbox;
let receiver: CallbackReceiver;
let base: string;

beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb.close();
});
beforeEach(async () => {
  receiver = new CallbackReceiver();
  base = await receiver.start();
});
afterEach(async () => {
  await receiver.close();
  await control(sb.url, 'POST', '/itsm/callbacks', {});
  await control(sb.url, 'POST', '/itsm/auto', {});
});

async function createTicket(meta: Record<string, unknown> = { callback_url: `${base}/callbacks/itsm` }) {
  const res = await bkFetch(sb.url, `${ITSM}/create_ticket/`, {
    body: {
      service_id: 17,
      creator: 'alice',
      fields: [
        { key: 'title', value: 'run rotate logs' },
        { key: 'APPROVER', value: 'ops-li' },
      ],
      meta,
    },
  });
  expect(res.json).toMatchObject({ result: true, code: 0 });
  return res.json.data.sn as string;
}

const statusOf = async (sn: string) =>
  (await bkFetch(sb.url, `${ITSM}/get_ticket_status/`, { query: { sn } })).json.data.current_status as string;
const failedList = async () =>
  (await bkFetch(sb.url, `${ITSM}/callback_failed_ticket/`, { query: {} })).json.data as string[];
const callbackBody = (i: number) => JSON.parse(receiver.calls[i]?.body ?? 'null') as Record<string, unknown>;

describe('ITSM callbacks on every closing path', () => {
  const end: Record<string, (sn: string) => Promise<unknown>> = {
    approve: (sn) => control(sb.url, 'POST', `/itsm/tickets/${sn}/approve`, {}),
    reject: (sn) => control(sb.url, 'POST', `/itsm/tickets/${sn}/reject`, {}),
    withdraw: (sn) =>
      bkFetch(sb.url, `${ITSM}/operate_ticket/`, {
        body: { sn, operator: 'alice', action_type: 'WITHDRAW' },
      }),
    terminate: (sn) =>
      bkFetch(sb.url, `${ITSM}/operate_ticket/`, {
        body: { sn, operator: 'alice', action_type: 'TERMINATE', action_message: 'stop' },
      }),
  };

  it.each([
    ['approve', 'FINISHED', true],
    ['reject', 'FINISHED', false],
    ['withdraw', 'REVOKED', false],
    ['terminate', 'TERMINATED', false],
  ])(
    '%s POSTs §7.10 to meta.callback_url with its query string and meta.headers',
    async (how, status, approved) => {
      const path = '/callbacks/itsm?tenant=default&sig=a%2Fb%3D';
      const sn = await createTicket({ callback_url: `${base}${path}`, headers: { 'X-Bk-Graph-Key': 'k-1' } });
      await end[how]!(sn);
      const [call] = await receiver.waitFor(1);
      expect(call?.url).toBe(path);
      expect(call?.headers['x-bk-graph-key']).toBe('k-1');
      expect(call?.headers['content-type']).toBe('application/json');
      expect(callbackBody(0)).toMatchObject({ sn, current_status: status, approve_result: approved });
    },
  );
});

describe('POST /_sandbox/itsm/callbacks', () => {
  it('loses the next callback: ITSM lists it as failed until ticket_approval_result acknowledges it', async () => {
    expect((await control(sb.url, 'POST', '/itsm/callbacks', { dropNext: 1 })).json).toEqual({
      dropNext: 1,
      delayMs: 0,
    });
    const sn = await createTicket();
    const decided = await control(sb.url, 'POST', `/itsm/tickets/${sn}/approve`, {});
    expect(decided.json).toMatchObject({
      current_status: 'FINISHED',
      callback: { ok: false, status: 0, dropped: true },
    });
    await sleep(50);
    expect(receiver.calls).toHaveLength(0);
    expect(await failedList()).toContain(sn);
    expect((await control(sb.url, 'GET', `/itsm/tickets/${sn}`)).json.callback_failed).toBe(true);
    expect((await control(sb.url, 'GET', '/itsm/callbacks')).json).toEqual({ dropNext: 0, delayMs: 0 });

    const result = await bkFetch(sb.url, `${ITSM}/ticket_approval_result/`, { body: { sn: [sn] } });
    expect(result.json.data[0]).toMatchObject({ sn, current_status: 'FINISHED', approve_result: true });
    expect(await failedList()).not.toContain(sn);
    expect((await control(sb.url, 'GET', `/itsm/tickets/${sn}`)).json.callback_failed).toBe(false);

    const next = await createTicket();
    await control(sb.url, 'POST', `/itsm/tickets/${next}/approve`, {});
    expect((await receiver.waitFor(1)).map((c) => JSON.parse(c.body).sn)).toEqual([next]);
  });

  it('loses a withdraw callback like any other', async () => {
    await control(sb.url, 'POST', '/itsm/callbacks', { dropNext: 1 });
    const sn = await createTicket();
    await bkFetch(sb.url, `${ITSM}/operate_ticket/`, {
      body: { sn, operator: 'alice', action_type: 'WITHDRAW' },
    });
    await sleep(50);
    expect(receiver.calls).toHaveLength(0);
    expect(await failedList()).toContain(sn);
  });

  it('delays callbacks by delayMs: the decision answers at once, the callback comes later', async () => {
    await control(sb.url, 'POST', '/itsm/callbacks', { delayMs: 300 });
    const sn = await createTicket();
    const started = Date.now();
    const decided = await control(sb.url, 'POST', `/itsm/tickets/${sn}/approve`, {});
    expect(decided.json).toMatchObject({ current_status: 'FINISHED', callback: { delayedMs: 300 } });
    expect(Date.now() - started).toBeLessThan(250);
    expect(receiver.calls).toHaveLength(0);
    const [call] = await receiver.waitFor(1);
    expect((call?.at ?? 0) - started).toBeGreaterThanOrEqual(280);
    expect(callbackBody(0)).toMatchObject({ sn, current_status: 'FINISHED', approve_result: true });
    expect(await failedList()).not.toContain(sn);
  });

  it('records a delayed callback the receiver refuses as failed', async () => {
    const refusing = new CallbackReceiver([{ status: 500, body: { code: 1 } }]);
    const url = await refusing.start();
    try {
      await control(sb.url, 'POST', '/itsm/callbacks', { delayMs: 50 });
      const sn = await createTicket({ callback_url: `${url}/cb` });
      await control(sb.url, 'POST', `/itsm/tickets/${sn}/reject`, {});
      expect(await failedList()).not.toContain(sn);
      await refusing.waitFor(1);
      await sleep(20);
      expect(await failedList()).toContain(sn);
    } finally {
      await refusing.close();
    }
  });

  it('clears with {} and shows the settings on GET', async () => {
    await control(sb.url, 'POST', '/itsm/callbacks', { dropNext: 2, delayMs: 10 });
    expect((await control(sb.url, 'GET', '/itsm/callbacks')).json).toEqual({ dropNext: 2, delayMs: 10 });
    expect((await control(sb.url, 'POST', '/itsm/callbacks', {})).json).toEqual({ dropNext: 0, delayMs: 0 });
  });

  it.each([
    [{ dropNext: -1 }, 'dropNext'],
    [{ dropNext: 'all' }, 'dropNext'],
    [{ delayMs: 600_001 }, 'delayMs'],
    [{ delayMs: 1.5 }, 'delayMs'],
    [{ lose: 1 }, 'unknown fields: lose'],
  ])('refuses %j with a 400 naming the field', async (body, field) => {
    const res = await control(sb.url, 'POST', '/itsm/callbacks', body);
    expect(res.status).toBe(400);
    expect(res.json.error).toContain(field);
  });
});

describe('POST /_sandbox/itsm/auto', () => {
  it('approves the next ticket by itself, and its callback reaches the receiver', async () => {
    expect((await control(sb.url, 'POST', '/itsm/auto', { approveNext: 1 })).json).toEqual({
      approveNext: 1,
      rejectNext: 0,
      delayMs: 0,
    });
    const sn = await createTicket();
    const [call] = await receiver.waitFor(1);
    expect(call).toBeDefined();
    expect(callbackBody(0)).toMatchObject({
      sn,
      current_status: 'FINISHED',
      approve_result: true,
      last_approver: 'ops-li',
    });
    expect(await statusOf(sn)).toBe('FINISHED');
    expect((await control(sb.url, 'GET', '/itsm/auto')).json).toEqual({
      approveNext: 0,
      rejectNext: 0,
      delayMs: 0,
    });

    const manual = await createTicket();
    await sleep(50);
    expect(await statusOf(manual)).toBe('RUNNING');
    expect(receiver.calls).toHaveLength(1);
  });

  it('decides only after create_ticket answered, approvals first, then rejections, delayMs later', async () => {
    await control(sb.url, 'POST', '/itsm/auto', { approveNext: 1, rejectNext: 1, delayMs: 200 });
    const first = await createTicket();
    const second = await createTicket();
    expect(await statusOf(first)).toBe('RUNNING');
    expect(await statusOf(second)).toBe('RUNNING');
    await receiver.waitFor(2);
    const bySn = new Map(
      receiver.calls.map((c) => [JSON.parse(c.body).sn, JSON.parse(c.body).approve_result]),
    );
    expect(Object.fromEntries(bySn)).toEqual({ [first]: true, [second]: false });
    const result = await bkFetch(sb.url, `${ITSM}/ticket_approval_result/`, {
      body: { sn: [first, second] },
    });
    expect(result.json.data.map((r: { approve_result: boolean }) => r.approve_result)).toEqual([true, false]);
  });

  it('leaves a ticket alone that ended before its automatic decision', async () => {
    await control(sb.url, 'POST', '/itsm/auto', { approveNext: 1, delayMs: 100 });
    const sn = await createTicket();
    await bkFetch(sb.url, `${ITSM}/operate_ticket/`, {
      body: { sn, operator: 'alice', action_type: 'WITHDRAW' },
    });
    await sleep(200);
    expect(await statusOf(sn)).toBe('REVOKED');
    expect(receiver.calls.map((c) => JSON.parse(c.body).current_status)).toEqual(['REVOKED']);
  });

  it('decides tickets without a callback_url too, silently', async () => {
    await control(sb.url, 'POST', '/itsm/auto', { rejectNext: 1 });
    const sn = await createTicket({});
    await sleep(30);
    const result = await bkFetch(sb.url, `${ITSM}/ticket_approval_result/`, { body: { sn: [sn] } });
    expect(result.json.data[0]).toMatchObject({ current_status: 'FINISHED', approve_result: false });
    expect(receiver.calls).toHaveLength(0);
  });

  it.each([
    [{ approveNext: -2 }, 'approveNext'],
    [{ rejectNext: true }, 'rejectNext'],
    [{ delayMs: -1 }, 'delayMs'],
    [{ approve: 1 }, 'unknown fields: approve'],
  ])('refuses %j with a 400 naming the field', async (body, field) => {
    const res = await control(sb.url, 'POST', '/itsm/auto', body);
    expect(res.status).toBe(400);
    expect(res.json.error).toContain(field);
  });
});

describe('POST /_sandbox/itsm/tickets/foreign', () => {
  it("makes another app's FINISHED ticket whose callback failed, listed until someone acknowledges it", async () => {
    const res = await control(sb.url, 'POST', '/itsm/tickets/foreign', {
      title: 'log collector for nginx',
      failedCallback: true,
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      sn: expect.stringMatching(/^NO\d{16}$/),
      title: 'log collector for nginx',
      app_code: 'bk_log_search',
      current_status: 'FINISHED',
      approve_result: true,
      callback_failed: true,
    });
    const sn = res.json.sn as string;
    expect(await failedList()).toContain(sn);
    const info = await bkFetch(sb.url, `${ITSM}/get_ticket_info/`, { query: { sn } });
    expect(info.json.data).toMatchObject({
      sn,
      title: 'log collector for nginx',
      current_status: 'FINISHED',
    });
    expect((await control(sb.url, 'GET', `/itsm/tickets/${sn}`)).json).toMatchObject({
      app_code: 'bk_log_search',
      callback_failed: true,
    });
    expect(receiver.calls).toHaveLength(0);
  });

  it('makes one whose callback went through when failedCallback is false', async () => {
    const res = await control(sb.url, 'POST', '/itsm/tickets/foreign', { failedCallback: false });
    expect(res.json).toMatchObject({ current_status: 'FINISHED', callback_failed: false });
    expect(await failedList()).not.toContain(res.json.sn);
  });

  it.each([
    [{}, 'failedCallback'],
    [{ failedCallback: 'yes' }, 'failedCallback'],
    [{ failedCallback: true, title: '' }, 'title'],
    [{ failedCallback: true, owner: 'x' }, 'unknown fields: owner'],
  ])('refuses %j with a 400 naming the field', async (body, field) => {
    const res = await control(sb.url, 'POST', '/itsm/tickets/foreign', body);
    expect(res.status).toBe(400);
    expect(res.json.error).toContain(field);
  });
});

describe('ITSM control settings and a data reset', () => {
  it('are cleared by /_sandbox/reset?data=1', async () => {
    await control(sb.url, 'POST', '/itsm/callbacks', { dropNext: 5, delayMs: 5 });
    await control(sb.url, 'POST', '/itsm/auto', { approveNext: 5 });
    await sb.reset(true);
    expect((await control(sb.url, 'GET', '/itsm/callbacks')).json).toEqual({ dropNext: 0, delayMs: 0 });
    expect((await control(sb.url, 'GET', '/itsm/auto')).json).toEqual({
      approveNext: 0,
      rejectNext: 0,
      delayMs: 0,
    });
  });
});
