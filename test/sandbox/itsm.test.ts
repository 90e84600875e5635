import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestSandbox } from '../helpers/sandbox';
import { bkFetch, startTestSandbox } from '../helpers/sandbox';

let sb: TestSandbox;

const APIGW = '/api/bk-itsm/prod/v2/itsm';
const ESB = '/api/c/compapi/v2/itsm';

/** An ITSM callback receiver answering with a fixed status and body. */
class Receiver {
  readonly calls: Array<{ headers: IncomingHttpHeaders; body: Record<string, unknown> }> = [];
  private server: Server | null = null;

  constructor(
    private readonly status = 200,
    private readonly reply: unknown = { code: 0 },
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        this.calls.push({ headers: req.headers, body: JSON.parse(body) as Record<string, unknown> });
        res.writeHead(this.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(this.reply));
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/callbacks/itsm`;
  }

  close(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

async function control(method: 'GET' | 'POST', path: string, body?: unknown) {
  const res = await fetch(`${sb.url}/_sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any -- raw JSON
}

async function createTicket(
  meta: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
): Promise<string> {
  const res = await bkFetch(sb.url, `${APIGW}/create_ticket/`, {
    body: {
      service_id: 17,
      creator: 'alice',
      fields: [
        { key: 'title', value: 'run deploy nginx on payment-gateway' },
        { key: 'APPROVER', value: 'admin,ops-li' },
      ],
      meta,
      ...extra,
    },
  });
  expect(res.json).toMatchObject({ result: true, code: 0, message: 'success' });
  return res.json.data.sn as string;
}

const status = (sn: string) => bkFetch(sb.url, `${APIGW}/get_ticket_status/`, { query: { sn } });
const operate = (body: Record<string, unknown>) => bkFetch(sb.url, `${APIGW}/operate_ticket/`, { body });

beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb.close();
});

describe('ITSM get_services', () => {
  it.each([
    ['apigw', `${APIGW}/get_services/`],
    ['esb', `${ESB}/get_services/`],
  ])('lists services with the approval service bk-graph uses (%s)', async (_t, path) => {
    const res = await bkFetch(sb.url, path, { query: {} });
    expect(res.json).toMatchObject({ result: true, code: 0, message: 'success' });
    const approval = res.json.data.find((s: { name: string }) => s.name === 'bk-graph job approval');
    expect(approval).toEqual({
      id: expect.any(Number),
      name: 'bk-graph job approval',
      desc: expect.any(String),
      service_type: 'request',
    });
  });

  it('filters by service_type', async () => {
    const res = await bkFetch(sb.url, `${APIGW}/get_services/`, { query: { service_type: 'change' } });
    expect(res.json.data.length).toBeGreaterThan(0);
    for (const s of res.json.data) expect(s.service_type).toBe('change');
  });
});

describe('ITSM create_ticket and reads', () => {
  it('creates a RUNNING ticket with an approval step', async () => {
    const res = await bkFetch(sb.url, `${ESB}/create_ticket/`, {
      body: {
        service_id: 17,
        creator: 'alice',
        fields: [
          { key: 'title', value: 'approve me' },
          { key: 'APPROVER', value: 'bob' },
        ],
      },
    });
    expect(res.json.data).toEqual({
      sn: expect.stringMatching(/^NO\d{16}$/),
      id: expect.any(Number),
      ticket_url: expect.any(String),
    });
    const st = await status(res.json.data.sn);
    expect(st.json.data).toMatchObject({ current_status: 'RUNNING', is_commented: false });
    expect(st.json.data.current_steps).toHaveLength(1);
    expect(st.json.data.current_steps[0]).toMatchObject({
      status: 'RUNNING',
      processors: 'bob',
      processors_type: 'PERSON',
    });
    expect(st.json.data.operations.map((o: { key: string }) => o.key)).toEqual(
      expect.arrayContaining(['WITHDRAW', 'SUSPEND']),
    );
    expect(typeof st.json.data.iframe_ticket_url).toBe('string');

    const info = await bkFetch(sb.url, `${ESB}/get_ticket_info/`, { query: { sn: res.json.data.sn } });
    expect(info.json.data).toMatchObject({
      sn: res.json.data.sn,
      id: res.json.data.id,
      title: 'approve me',
      service_id: 17,
      service_type: 'request',
      current_status: 'RUNNING',
      end_at: null,
    });
    expect(info.json.data.create_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(info.json.data.fields[0]).toMatchObject({
      key: 'title',
      type: 'STRING',
      value: 'approve me',
      display_value: 'approve me',
    });
  });

  it('uses the built-in approval service for fast_approval without a service_id', async () => {
    const res = await bkFetch(sb.url, `${APIGW}/create_ticket/`, {
      body: { fast_approval: true, creator: 'admin', fields: [{ key: 'title', value: 'quick' }] },
    });
    const info = await bkFetch(sb.url, `${APIGW}/get_ticket_info/`, { query: { sn: res.json.data.sn } });
    expect(info.json.data.service_id).toBe(1);
  });

  it.each([
    ['an unknown service_id', { service_id: 424242 }, 3900042, '服务未找到'],
    ['no title field', { fields: [{ key: 'APPROVER', value: 'admin' }] }, 3900005, undefined],
    ['no creator', { creator: '' }, 3900005, undefined],
  ])('answers an error for %s', async (_n, patch, code, message) => {
    const res = await bkFetch(sb.url, `${APIGW}/create_ticket/`, {
      body: { service_id: 17, creator: 'alice', fields: [{ key: 'title', value: 't' }], ...patch },
    });
    expect(res.json).toMatchObject({ result: false, code, data: null });
    if (message) expect(res.json.message).toBe(message);
  });

  it('answers 3900022 for an unknown sn', async () => {
    for (const api of ['get_ticket_status', 'get_ticket_info']) {
      const res = await bkFetch(sb.url, `${APIGW}/${api}/`, { query: { sn: 'NO0000000000000000' } });
      expect(res.json).toEqual({ result: false, code: 3900022, data: null, message: '没有找到对应的单据' });
    }
  });
});

describe('ITSM approval callbacks', () => {
  it('approving POSTs the §7.10 callback with meta.headers and a token that token/verify accepts', async () => {
    const receiver = new Receiver();
    const url = await receiver.start();
    try {
      const sn = await createTicket({ callback_url: url, headers: { 'X-Bk-Graph-Tenant': 'default' } });
      const decided = await control('POST', `/itsm/tickets/${sn}/approve`, { operator: 'ops-li' });
      expect(decided.status).toBe(200);
      expect(decided.json).toMatchObject({
        current_status: 'FINISHED',
        approve_result: true,
        callback: { ok: true },
      });

      expect(receiver.calls).toHaveLength(1);
      const { headers, body } = receiver.calls[0]!;
      expect(headers['x-bk-graph-tenant']).toBe('default');
      expect(Object.keys(body).sort()).toEqual(
        [
          'approve_result',
          'current_status',
          'last_approver',
          'sn',
          'ticket_url',
          'title',
          'token',
          'update_at',
          'updated_by',
        ].sort(),
      );
      expect(body).toMatchObject({
        sn,
        current_status: 'FINISHED',
        approve_result: true,
        last_approver: 'ops-li',
        updated_by: 'ops-li',
      });
      expect(body.update_at).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?\+08:00$/);

      for (const path of [`${APIGW}/token/verify/`, `${ESB}/token/verify/`]) {
        const ok = await bkFetch(sb.url, path, { body: { token: body.token } });
        expect(ok.json).toMatchObject({ result: true, data: { is_passed: true } });
      }
      const bad = await bkFetch(sb.url, `${APIGW}/token/verify/`, { body: { token: 'not-a-token' } });
      expect(bad.json).toMatchObject({ result: true, code: 0, data: { is_passed: false } });

      const st = await status(sn);
      expect(st.json.data).toMatchObject({ current_status: 'FINISHED', current_steps: [], operations: [] });
      expect(await bkFetch(sb.url, `${APIGW}/callback_failed_ticket/`, { query: {} })).toMatchObject({
        json: { data: expect.not.arrayContaining([sn]) },
      });
    } finally {
      await receiver.close();
    }
  });

  it('rejecting finishes the ticket with approve_result false', async () => {
    const sn = await createTicket();
    const decided = await control('POST', `/itsm/tickets/${sn}/reject`);
    expect(decided.json).toMatchObject({ current_status: 'FINISHED', approve_result: false, callback: null });
    const res = await bkFetch(sb.url, `${APIGW}/ticket_approval_result/`, {
      body: { sn: [sn, 'NO-unknown'] },
    });
    expect(res.json.data).toEqual([
      {
        sn,
        title: 'run deploy nginx on payment-gateway',
        ticket_url: expect.any(String),
        current_status: 'FINISHED',
        updated_by: 'admin',
        update_at: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
        approve_result: false,
      },
    ]);
    const again = await control('POST', `/itsm/tickets/${sn}/approve`);
    expect(again.status).toBe(409);
  });

  it.each([
    ['HTTP 500', 500, { code: 0 }],
    ['code != 0', 200, { code: 1, message: 'no' }],
  ])(
    'records a failed callback (%s) until ticket_approval_result acknowledges it',
    async (_n, httpStatus, reply) => {
      const receiver = new Receiver(httpStatus, reply);
      const url = await receiver.start();
      try {
        const sn = await createTicket({ callback_url: url });
        const decided = await control('POST', `/itsm/tickets/${sn}/approve`);
        expect(decided.json.callback).toMatchObject({ ok: false, status: httpStatus });
        expect((await control('GET', `/itsm/tickets/${sn}`)).json.callback_failed).toBe(true);

        const failed = await bkFetch(sb.url, `${ESB}/callback_failed_ticket/`, { query: {} });
        expect(failed.json.data).toContain(sn);
        const result = await bkFetch(sb.url, `${ESB}/ticket_approval_result/`, { body: { sn: [sn] } });
        expect(result.json.data[0]).toMatchObject({ sn, approve_result: true, current_status: 'FINISHED' });
        const after = await bkFetch(sb.url, `${APIGW}/callback_failed_ticket/`, { query: {} });
        expect(after.json.data).not.toContain(sn);
      } finally {
        await receiver.close();
      }
    },
  );

  it('refuses ticket_approval_result on APIGW without a verified user', async () => {
    const res = await bkFetch(sb.url, `${APIGW}/ticket_approval_result/`, {
      body: { sn: [] },
      auth: { username: 'admin' },
    });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe(1640001);
  });
});

describe('ITSM operate_ticket', () => {
  it('suspends and resumes a ticket', async () => {
    const sn = await createTicket();
    const s1 = await operate({ sn, operator: 'admin', action_type: 'SUSPEND', action_message: 'wait' });
    expect(s1.json).toEqual({ result: true, code: 0, message: 'success', data: [] });
    const suspended = await status(sn);
    expect(suspended.json.data.current_status).toBe('SUSPENDED');
    expect(suspended.json.data.operations.map((o: { key: string }) => o.key)).toContain('UNSUSPEND');
    await operate({ sn, operator: 'admin', action_type: 'UNSUSPEND' });
    expect((await status(sn)).json.data.current_status).toBe('RUNNING');
  });

  it.each([
    ['WITHDRAW', 'REVOKED', {}],
    ['TERMINATE', 'TERMINATED', { action_message: 'stop' }],
  ])('%s ends the ticket as %s and fires the callback', async (action, final, extra) => {
    const receiver = new Receiver();
    const url = await receiver.start();
    try {
      const sn = await createTicket({ callback_url: url });
      const res = await operate({ sn, operator: 'alice', action_type: action, ...extra });
      expect(res.json.result).toBe(true);
      for (let i = 0; i < 100 && receiver.calls.length === 0; i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(receiver.calls[0]?.body).toMatchObject({
        sn,
        current_status: final,
        approve_result: false,
        updated_by: 'alice',
      });
      expect((await status(sn)).json.data.current_status).toBe(final);

      const late = await operate({ sn, operator: 'alice', action_type: 'SUSPEND', action_message: 'x' });
      expect(late.json).toMatchObject({ result: false, code: 3900004 });
    } finally {
      await receiver.close();
    }
  });

  it('answers 3900004 for an unsupported action type', async () => {
    const sn = await createTicket();
    const res = await operate({ sn, operator: 'admin', action_type: 'APPROVE' });
    expect(res.json).toMatchObject({
      result: false,
      code: 3900004,
      message: '单据操作失败，不支持的操作类型: APPROVE',
    });
  });

  it('requires action_message for SUSPEND and TERMINATE', async () => {
    const sn = await createTicket();
    for (const action of ['SUSPEND', 'TERMINATE']) {
      const res = await operate({ sn, operator: 'admin', action_type: action });
      expect(res.json).toMatchObject({ result: false, code: 3900005 });
    }
    expect((await status(sn)).json.data.current_status).toBe('RUNNING');
  });
});
