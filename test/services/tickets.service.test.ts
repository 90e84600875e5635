import { randomUUID } from 'node:crypto';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { randomSchema } from '../store/fixture';
import { actorOf, approve, calls, control, eventually, startWorld, type World } from './tickets.harness';

/**
 * The ticket service through the front door: real sandbox ITSM over HTTP, real Postgres, the
 * callback route on a real Fastify that ITSM calls back.
 */

let sandbox: TestSandbox;
let world: World;
const alice = () => actorOf('alice');
const input = (title = `restart api ${randomUUID().slice(0, 6)}`) => ({
  serviceId: '18',
  title,
  fields: [{ key: 'APPROVER', value: 'ops-li' }],
});

beforeAll(async () => {
  sandbox = await startTestSandbox();
  world = await startWorld(sandbox, { kind: 'postgres', schema: randomSchema('tsvc'), worker: false });
});
afterAll(async () => {
  await world.close();
  await sandbox.close();
});
afterEach(async () => {
  await sandbox.faults({});
});

describe('createTicket', () => {
  it('files the ticket as the caller, with our callback URL, and stores it RUNNING', async () => {
    const ticket = await world.tickets.create(alice(), input('deploy nginx'));
    expect(ticket).toMatchObject({
      title: 'deploy nginx',
      status: 'RUNNING',
      createdBy: 'alice',
      serviceId: '18',
    });
    const itsm = (await control(sandbox, 'GET', `/itsm/tickets/${ticket.sn}`)).json;
    expect(itsm).toMatchObject({ app_code: 'bk-graph', callback_url: `${world.publicUrl}/callbacks/itsm` });
  });

  it('with the same key and input answers the first ticket without calling ITSM again', async () => {
    const key = `k-${randomUUID()}`;
    const first = await world.tickets.create(alice(), input('same'), { idempotencyKey: key });
    const before = await calls(sandbox, 'itsm.create_ticket');
    const again = await world.tickets.create(alice(), input('same'), { idempotencyKey: key });
    expect(again.sn).toBe(first.sn);
    expect(await calls(sandbox, 'itsm.create_ticket')).toBe(before);
  });

  it('twenty concurrent duplicates make one create_ticket call', async () => {
    const key = `k-${randomUUID()}`;
    const before = await calls(sandbox, 'itsm.create_ticket');
    const all = await Promise.all(
      Array.from({ length: 20 }, () => world.tickets.create(alice(), input('dup'), { idempotencyKey: key })),
    );
    expect(new Set(all.map((t) => t.sn)).size).toBe(1);
    expect((await calls(sandbox, 'itsm.create_ticket')) - before).toBe(1);
  });

  it('with the same key and other input is BAD_USER_INPUT naming input.idempotencyKey', async () => {
    const key = `k-${randomUUID()}`;
    await world.tickets.create(alice(), input('one'), { idempotencyKey: key });
    await expect(world.tickets.create(alice(), input('two'), { idempotencyKey: key })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'input.idempotencyKey' },
    });
  });

  it.each([
    ['a serviceId that is not a number', { serviceId: 'x' }, 'input.serviceId'],
    ['a blank title', { title: '   ' }, 'input.title'],
    ['a title over 120 characters', { title: 'x'.repeat(121) }, 'input.title'],
    ['a field named title', { fields: [{ key: 'title', value: 'v' }] }, 'input.fields[0].key'],
    ['a field key that is no identifier', { fields: [{ key: '1bad', value: 'v' }] }, 'input.fields[0].key'],
    [
      'a control character in a value',
      { fields: [{ key: 'a', value: 'bell\u0007' }] },
      'input.fields[0].value',
    ],
    [
      'a repeated key',
      {
        fields: [
          { key: 'a', value: '1' },
          { key: 'a', value: '2' },
        ],
      },
      'input.fields[1].key',
    ],
    [
      'fields over 32 KiB in all',
      { fields: Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, value: 'v'.repeat(7000) })) },
      'input.fields',
    ],
  ])('rejects %s as BAD_USER_INPUT naming the field, before calling ITSM', async (_what, bad, field) => {
    const before = await calls(sandbox, 'itsm.create_ticket');
    await expect(world.tickets.create(alice(), { ...input(), ...bad })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field },
    });
    expect(await calls(sandbox, 'itsm.create_ticket')).toBe(before);
  });

  it('answers OUTCOME_UNKNOWN when create_ticket hangs, and again on every repeat, with one call', async () => {
    const key = `k-${randomUUID()}`;
    await sandbox.faults({ apis: ['itsm.create_ticket'], hangNext: 1 });
    const before = await calls(sandbox, 'itsm.create_ticket');
    const hurried = { ...alice(), deadline: Date.now() + 1500 };
    await expect(world.tickets.create(hurried, input('hang'), { idempotencyKey: key })).rejects.toMatchObject(
      {
        extensions: { code: 'OUTCOME_UNKNOWN' },
      },
    );
    await sandbox.faults({});
    await expect(world.tickets.create(alice(), input('hang'), { idempotencyKey: key })).rejects.toMatchObject(
      {
        extensions: { code: 'OUTCOME_UNKNOWN' },
      },
    );
    expect((await calls(sandbox, 'itsm.create_ticket')) - before).toBe(1);
  });

  it('gives the key back when ITSM refuses for certain (unknown service), so a retry calls ITSM again', async () => {
    const key = `k-${randomUUID()}`;
    const before = await calls(sandbox, 'itsm.create_ticket');
    for (let i = 0; i < 2; i++) {
      await expect(
        world.tickets.create(alice(), { ...input(), serviceId: '999' }, { idempotencyKey: key }),
      ).rejects.toMatchObject({ extensions: { code: 'UPSTREAM_ERROR' } });
    }
    expect((await calls(sandbox, 'itsm.create_ticket')) - before).toBe(2);
  });

  it('audits the creation', async () => {
    const ticket = await world.tickets.create(alice(), input('audited'));
    const entries = await world.store.audit.listByActor('alice', { offset: 0, limit: 20 });
    expect(entries.items).toContainEqual(
      expect.objectContaining({ action: 'createTicket', target: `ticket ${ticket.sn}`, outcome: 'ok' }),
    );
  });
});

describe('ticket(sn)', () => {
  it('refreshes the stored ticket from ITSM with its current steps and who may act', async () => {
    const { sn } = await world.tickets.create(alice(), input());
    const view = await world.tickets.get(alice(), sn);
    expect(view?.live?.steps).toEqual([
      expect.objectContaining({ processors: ['ops-li'], operations: expect.any(Array) }),
    ]);
    expect(view?.live?.operations.map((o) => o.key).sort()).toEqual(['SUSPEND', 'TERMINATE', 'WITHDRAW']);
    expect(view?.url).toMatch(/^http:\/\/itsm\.sandbox\.invalid\//);
  });

  it('is null for another user, visible to an admin, and null for a ticket bk-graph did not create', async () => {
    const { sn } = await world.tickets.create(alice(), input());
    expect(await world.tickets.get(actorOf('bob'), sn)).toBeNull();
    expect((await world.tickets.get(actorOf('admin'), sn))?.sn).toBe(sn);
    const foreign = (await control(sandbox, 'POST', '/itsm/tickets/foreign', { failedCallback: false })).json;
    expect(await world.tickets.get(actorOf('admin'), foreign.sn as string)).toBeNull();
  });

  it('applies a decision it learns from ITSM on read (ticket_approval_result confirms it)', async () => {
    const { sn } = await world.tickets.create(alice(), input());
    await control(sandbox, 'POST', '/itsm/callbacks', { dropNext: 1 });
    await approve(sandbox, sn);
    const view = await world.tickets.get(alice(), sn);
    expect(view).toMatchObject({ status: 'FINISHED', approveResult: true, terminal: true });
  });

  it('rejects a malformed sn as BAD_USER_INPUT', async () => {
    await expect(world.tickets.get(alice(), 'NO 1; drop')).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'sn' },
    });
  });
});

describe('itsmServices', () => {
  it("lists ITSM's services as the caller sees them", async () => {
    const services = await world.tickets.services(alice());
    expect(services).toContainEqual(expect.objectContaining({ id: '17', name: 'bk-graph job approval' }));
  });
});

describe('tickets(status, first, after)', () => {
  it("lists the caller's own tickets, and everyone's for an admin", async () => {
    const mine = await world.tickets.create(alice(), input());
    const bobs = await world.tickets.create(actorOf('bob'), input());
    const alices = await world.tickets.list(alice(), { limit: 1000 });
    expect(alices.items.map((t) => t.sn)).toContain(mine.sn);
    expect(alices.items.map((t) => t.sn)).not.toContain(bobs.sn);
    expect(alices.items.every((t) => t.createdBy === 'alice')).toBe(true);
    const all = await world.tickets.list(actorOf('admin'), { limit: 1000 });
    expect(all.items.map((t) => t.sn)).toEqual(expect.arrayContaining([mine.sn, bobs.sn]));
    const running = await world.tickets.list(actorOf('admin'), { status: 'RUNNING', limit: 1000 });
    expect(running.items.every((t) => t.status === 'RUNNING')).toBe(true);
  });
});

describe('operateTicket', () => {
  it('needs a message to SUSPEND or TERMINATE (BAD_USER_INPUT input.message), before calling ITSM', async () => {
    const { sn } = await world.tickets.create(alice(), input());
    for (const action of ['SUSPEND', 'TERMINATE'] as const) {
      await expect(world.tickets.operate(alice(), { sn, action })).rejects.toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', field: 'input.message' },
      });
    }
  });

  it('suspends and resumes as the caller, refreshing the status and auditing each', async () => {
    const { sn } = await world.tickets.create(alice(), input());
    const suspended = await world.tickets.operate(alice(), {
      sn,
      action: 'SUSPEND',
      message: 'wait for the window',
    });
    expect(suspended).toMatchObject({ status: 'SUSPENDED' });
    expect(suspended.live?.operations.map((o) => o.key).sort()).toEqual(['UNSUSPEND', 'WITHDRAW']);
    expect(await world.tickets.operate(alice(), { sn, action: 'UNSUSPEND' })).toMatchObject({
      status: 'RUNNING',
    });
    const entries = await world.store.audit.listByActor('alice', { offset: 0, limit: 50 });
    expect(
      entries.items.filter((e) => e.action === 'operateTicket' && e.target === `ticket ${sn}`),
    ).toHaveLength(2);
  });

  it('withdraws (REVOKED); an ended ticket can no longer be operated', async () => {
    const { sn } = await world.tickets.create(alice(), input());
    expect(await world.tickets.operate(alice(), { sn, action: 'WITHDRAW' })).toMatchObject({
      status: 'REVOKED',
      approveResult: false,
      terminal: true,
    });
    await expect(world.tickets.operate(alice(), { sn, action: 'UNSUSPEND' })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'input.sn' },
    });
  });

  it("is NOT_FOUND for someone else's ticket and never reaches ITSM", async () => {
    const { sn } = await world.tickets.create(alice(), input());
    const before = await calls(sandbox, 'itsm.operate_ticket');
    await expect(world.tickets.operate(actorOf('bob'), { sn, action: 'WITHDRAW' })).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND' },
    });
    expect(await calls(sandbox, 'itsm.operate_ticket')).toBe(before);
  });

  it('terminating one with a callback ends it TERMINATED exactly once', async () => {
    const { sn } = await world.tickets.create(alice(), input());
    await world.tickets.operate(alice(), { sn, action: 'TERMINATE', message: 'not needed' });
    const row = await eventually(
      () => world.store.tickets.get(sn),
      (t) => t?.status === 'TERMINATED',
    );
    expect(row).toMatchObject({ approveResult: false, version: 1 });
  });
});

describe('when the store is down', () => {
  it('createTicket fails UPSTREAM_UNAVAILABLE naming the store, and nothing is sent to ITSM', async () => {
    const down = await startWorld(sandbox, {
      kind: 'postgres',
      schema: randomSchema('tdown'),
      worker: false,
    });
    await down.store.close();
    const before = await calls(sandbox, 'itsm.create_ticket');
    await expect(down.tickets.create(alice(), input(), { idempotencyKey: 'k' })).rejects.toMatchObject({
      extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: { system: 'store' } },
    });
    await expect(down.tickets.create(alice(), input())).rejects.toMatchObject({
      extensions: { code: 'UPSTREAM_UNAVAILABLE', upstream: { system: 'store' } },
    });
    expect(await calls(sandbox, 'itsm.create_ticket')).toBe(before);
    await down.close();
  });
});
