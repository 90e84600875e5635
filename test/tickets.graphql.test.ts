import { randomUUID } from 'node:crypto';
import {
  CreateTicketDocument,
  ItsmServicesDocument,
  OperateTicketDocument,
  TicketDocument,
  TicketsDocument,
  TicketUpdatedDocument,
  type CreateTicketInput,
} from './__generated__/graphql';
import { ADMIN, ALICE, approveInItsm, BOB, GENERAL_SERVICE, itsmTicket, journal } from './approvals.helpers';
import { eventually, subscribe } from './jobs.helpers';
import { startTestServer, type TestServer } from './helpers/server';

/**
 * ITSM tickets through the front door: mutations and queries over HTTP, `ticketUpdated` over
 * graphql-ws, the sandbox's ITSM (its journal of calls, its approve endpoint and its callback to
 * POST /callbacks/itsm) as the other side.
 */

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ WATCH_ENABLED: '0', RECONCILE_INTERVAL_S: '3600' });
});
afterAll(async () => {
  await server.close();
});

function ticketInput(overrides: Partial<CreateTicketInput> = {}): CreateTicketInput {
  return {
    serviceId: GENERAL_SERVICE,
    title: `open port 443 on web-${randomUUID().slice(0, 8)}`,
    fields: [{ key: 'reason', value: 'customers reach the new API' }],
    idempotencyKey: randomUUID(),
    ...overrides,
  };
}

async function createTicket(input: CreateTicketInput, headers: Record<string, string> = ALICE) {
  const res = await server.graphql(CreateTicketDocument, { input }, headers);
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.createTicket.ticket;
}

describe('itsmServices', () => {
  it("lists ITSM's services, the job approval service among them", async () => {
    const res = await server.graphql(ItsmServicesDocument, {}, ALICE);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.itsmServices).toContainEqual({
      id: '17',
      name: 'bk-graph job approval',
      serviceType: 'request',
      description: 'Approve a JOB execution requested through bk-graph',
    });
  });
});

describe('createTicket', () => {
  it('files a RUNNING ticket as the caller, which ticket(sn) reads with its steps and who may act', async () => {
    const input = ticketInput();
    const created = await createTicket(input);
    expect(created).toMatchObject({
      serviceId: GENERAL_SERVICE,
      title: input.title,
      status: 'RUNNING',
      currentStatus: 'RUNNING',
      ended: false,
      approveResult: null,
      createdBy: 'alice',
    });
    expect(created.sn).toMatch(/^[A-Za-z0-9_-]+$/);
    // ITSM was told to call bk-graph back.
    const [create] = (await journal(server.sandboxUrl, 'itsm.create_ticket')).filter((r) =>
      r.body?.includes(input.title),
    );
    const body = JSON.parse(create!.body!) as { creator: string; meta: { callback_url: string } };
    expect(body.creator).toBe('alice');
    expect(body.meta.callback_url).toBe(`${server.url}/callbacks/itsm`);

    const res = await server.graphql(TicketDocument, { sn: created.sn }, ALICE);
    expect(res.body.errors).toBeUndefined();
    const ticket = res.body.data!.ticket!;
    expect(ticket).toMatchObject({ sn: created.sn, title: input.title, status: 'RUNNING' });
    expect(ticket.steps!.length).toBeGreaterThan(0);
    expect(ticket.steps![0]!.processors.length).toBeGreaterThan(0);
    expect(ticket.operations!.map((o) => o.key)).toEqual(expect.arrayContaining(['WITHDRAW', 'SUSPEND']));
    expect(ticket.fields).toContainEqual(expect.objectContaining({ key: 'title', value: input.title }));
    expect(ticket.fields).toContainEqual(
      expect.objectContaining({ key: 'reason', value: 'customers reach the new API' }),
    );
  });

  it('lists the tickets the caller filed, newest first, by status; others see none of them, an admin all', async () => {
    const first = await createTicket(ticketInput());
    const second = await createTicket(ticketInput());

    const mine = await server.graphql(TicketsDocument, { status: 'RUNNING', first: 2 }, ALICE);
    expect(mine.body.errors).toBeUndefined();
    expect(mine.body.data!.tickets.nodes.map((t) => t.sn)).toEqual([second.sn, first.sn]);
    expect(mine.body.data!.tickets.nodes.every((t) => t.createdBy === 'alice')).toBe(true);
    expect(mine.body.data!.tickets.pageInfo.hasNextPage).toBe(mine.body.data!.tickets.totalCount > 2);
    const finished = await server.graphql(TicketsDocument, { status: 'FINISHED' }, ALICE);
    expect(finished.body.data!.tickets.nodes.map((t) => t.sn)).not.toContain(first.sn);

    const bobs = await server.graphql(TicketsDocument, { first: 1000 }, BOB);
    expect(bobs.body.data!.tickets.nodes.map((t) => t.sn)).not.toContain(first.sn);
    const bobReads = await server.graphql(TicketDocument, { sn: first.sn }, BOB);
    expect(bobReads.body.errors).toBeUndefined();
    expect(bobReads.body.data!.ticket).toBeNull();
    // In sandbox mode `admin` is bk-graph's admin (BK_GRAPH_ADMINS defaults to it there).
    const admins = await server.graphql(TicketsDocument, { first: 1000 }, ADMIN);
    expect(admins.body.data!.tickets.nodes.map((t) => t.sn)).toEqual(
      expect.arrayContaining([first.sn, second.sn]),
    );
  });

  it('with the same idempotencyKey twice answers one ticket, and ITSM is asked to create it once', async () => {
    const input = ticketInput();
    const once = await createTicket(input);
    const twice = await createTicket(input);
    expect(twice.sn).toBe(once.sn);
    const creates = (await journal(server.sandboxUrl, 'itsm.create_ticket')).filter((r) =>
      r.body?.includes(input.title),
    );
    expect(creates).toHaveLength(1);

    const other = await server.graphql(
      CreateTicketDocument,
      { input: { ...input, title: `${input.title} (changed)` } },
      ALICE,
    );
    expect(other.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.idempotencyKey',
    });
  });

  it('refuses a field named title as BAD_USER_INPUT naming it, before ITSM is called', async () => {
    const input = ticketInput({ fields: [{ key: 'title', value: 'twice' }] });
    const res = await server.graphql(CreateTicketDocument, { input }, ALICE);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.fields[0].key',
    });
    const creates = (await journal(server.sandboxUrl, 'itsm.create_ticket')).filter((r) =>
      r.body?.includes(input.title),
    );
    expect(creates).toHaveLength(0);
  });
});

describe('operateTicket', () => {
  it('SUSPEND without a message is BAD_USER_INPUT naming input.message, and ITSM is not asked', async () => {
    const ticket = await createTicket(ticketInput());
    const before = (await journal(server.sandboxUrl, 'itsm.operate_ticket')).length;
    const res = await server.graphql(
      OperateTicketDocument,
      { input: { sn: ticket.sn, action: 'SUSPEND' } },
      ALICE,
    );
    expect(res.body.data).toBeNull();
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.message',
    });
    expect(res.body.errors?.[0]?.message).toMatch(/input\.message/);
    expect((await journal(server.sandboxUrl, 'itsm.operate_ticket')).length).toBe(before);
  });

  it('SUSPEND with a message suspends the ticket, and UNSUSPEND resumes it', async () => {
    const ticket = await createTicket(ticketInput());
    const suspended = await server.graphql(
      OperateTicketDocument,
      { input: { sn: ticket.sn, action: 'SUSPEND', message: 'waiting for the change window' } },
      ALICE,
    );
    expect(suspended.body.errors).toBeUndefined();
    expect(suspended.body.data!.operateTicket.ticket).toMatchObject({ status: 'SUSPENDED', ended: false });
    const resumed = await server.graphql(
      OperateTicketDocument,
      { input: { sn: ticket.sn, action: 'UNSUSPEND' } },
      ALICE,
    );
    expect(resumed.body.data!.operateTicket.ticket).toMatchObject({ status: 'RUNNING' });
  });

  it('WITHDRAW revokes the ticket: REVOKED and ended, in ITSM too, and it can no longer be operated', async () => {
    const ticket = await createTicket(ticketInput());
    const res = await server.graphql(
      OperateTicketDocument,
      { input: { sn: ticket.sn, action: 'WITHDRAW' } },
      ALICE,
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.operateTicket.ticket).toMatchObject({
      sn: ticket.sn,
      status: 'REVOKED',
      ended: true,
    });
    expect((await itsmTicket(server.sandboxUrl, ticket.sn)).current_status).toBe('REVOKED');
    const read = await server.graphql(TicketDocument, { sn: ticket.sn }, ALICE);
    expect(read.body.data!.ticket).toMatchObject({ status: 'REVOKED', ended: true, approveResult: false });

    const again = await server.graphql(
      OperateTicketDocument,
      { input: { sn: ticket.sn, action: 'WITHDRAW' } },
      ALICE,
    );
    expect(again.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.sn' });
  });

  it("someone else's ticket is NOT_FOUND", async () => {
    const ticket = await createTicket(ticketInput());
    const res = await server.graphql(
      OperateTicketDocument,
      { input: { sn: ticket.sn, action: 'WITHDRAW' } },
      BOB,
    );
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
    expect((await itsmTicket(server.sandboxUrl, ticket.sn)).current_status).toBe('RUNNING');
  });
});

describe('ticketUpdated', () => {
  it('sends the ticket at once, then the FINISHED one when the sandbox approves, then completes', async () => {
    const ticket = await createTicket(ticketInput());
    const sub = subscribe(server.url, TicketUpdatedDocument, { sn: ticket.sn }, { bk_token: 'token-alice' });
    try {
      await eventually(async () => (sub.events.length > 0 ? true : undefined));
      const decision = await approveInItsm(server.sandboxUrl, ticket.sn);
      // ITSM called bk-graph back, and bk-graph answered it as ITSM requires.
      expect(decision.callback).toMatchObject({ status: 200, ok: true });
      await sub.done;
      for (const e of sub.events) expect(e.errors).toBeUndefined();
      const tickets = sub.events.map((e) => e.data!.ticketUpdated);
      expect(tickets[0]).toMatchObject({ sn: ticket.sn, status: 'RUNNING', ended: false });
      expect(tickets.at(-1)).toMatchObject({
        sn: ticket.sn,
        status: 'FINISHED',
        ended: true,
        approveResult: true,
      });
      // Each event is news: versions only grow.
      const versions = tickets.map((t) => t.version);
      expect([...versions].sort((a, b) => a - b)).toEqual(versions);
      expect(new Set(versions).size).toBe(versions.length);
    } finally {
      await sub.close();
    }
  });

  it("fails with NOT_FOUND for a ticket that is not the subscriber's", async () => {
    const ticket = await createTicket(ticketInput());
    const sub = subscribe(server.url, TicketUpdatedDocument, { sn: ticket.sn }, { bk_token: 'token-bob' });
    try {
      await sub.done;
      expect(sub.events).toHaveLength(1);
      expect(sub.events[0]!.errors).toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) }),
      ]);
    } finally {
      await sub.close();
    }
  });
});
