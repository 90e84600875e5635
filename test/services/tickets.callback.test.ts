import { randomUUID } from 'node:crypto';
import { ITSM_APP_CODE, ITSM_SECRET } from '../../src/sandbox/apis/itsm/handlers';
import { createToken } from '../../src/sandbox/apis/itsm/token';
import type { Store } from '../../src/store';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { randomSchema } from '../store/fixture';
import { actorOf, approve, control, eventually, reject, startWorld, type World } from './tickets.harness';

/**
 * `POST /callbacks/itsm` over real HTTP (CONTRACTS.md §7.10): the sandbox's ITSM calls it back
 * when a ticket ends; the tests also play ITSM themselves, signing tokens as ITSM does (§7.4).
 */

let sandbox: TestSandbox;
let world: World;
const schema = randomSchema('tcb');

/** A token ITSM itself would sign: it verifies, but says nothing about which ticket. */
const itsmToken = () => createToken(ITSM_APP_CODE, ITSM_SECRET);

function body(sn: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sn,
    title: 'restart api',
    ticket_url: 'http://itsm.sandbox.invalid/#/ticket/detail?id=1',
    current_status: 'FINISHED',
    updated_by: 'ops-li',
    update_at: '2026-05-01 12:00:00.123456+08:00',
    approve_result: true,
    token: itsmToken(),
    last_approver: 'ops-li',
    ...overrides,
  };
}

async function inbox(store: Store, sn: string) {
  return store.db
    .selectFrom('ticket_callbacks')
    .select(['token_ok', 'outcome'])
    .where('sn', '=', sn)
    .orderBy('id')
    .execute();
}

const inboxSize = async (store: Store) =>
  Number(
    (
      await store.db
        .selectFrom('ticket_callbacks')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst()
    )?.n,
  );

async function newTicket(w: World = world) {
  return w.tickets.create(actorOf('alice'), {
    serviceId: '18',
    title: `restart api ${randomUUID().slice(0, 6)}`,
    fields: [{ key: 'APPROVER', value: 'ops-li' }],
  });
}

beforeAll(async () => {
  sandbox = await startTestSandbox();
  world = await startWorld(sandbox, {
    kind: 'postgres',
    schema,
    worker: false,
    callback: { ticketWaitMs: 300 },
  });
});
afterAll(async () => {
  await world.close();
  await sandbox.close();
});
afterEach(async () => {
  await control(sandbox, 'POST', '/itsm/callbacks', {});
  await control(sandbox, 'POST', '/itsm/auto', {});
});

describe('a callback from ITSM', () => {
  it('when a ticket is approved, is verified, kept in the inbox, applied and published; ITSM sees 200 code 0', async () => {
    const { sn } = await newTicket();
    const events = world.collect(`ticket:${sn}`);
    const decided = (await approve(sandbox, sn)).json;
    expect(decided.callback).toEqual({ status: 200, ok: true });
    expect(await world.store.tickets.get(sn)).toMatchObject({
      status: 'FINISHED',
      approveResult: true,
      terminal: true,
      version: 1,
    });
    expect(await inbox(world.store, sn)).toEqual([{ token_ok: true, outcome: 'applied' }]);
    await eventually(
      async () => events,
      (e) => e.length === 1,
    );
    expect(events[0]).toEqual({ sn, status: 'FINISHED', approveResult: true, version: 1 });
    expect((await control(sandbox, 'GET', `/itsm/tickets/${sn}`)).json.callback_failed).toBe(false);
  });

  it('when a ticket is rejected, stores FINISHED with approve_result false', async () => {
    const { sn } = await newTicket();
    await reject(sandbox, sn);
    expect(await world.store.tickets.get(sn)).toMatchObject({ status: 'FINISHED', approveResult: false });
  });

  it('repeated answers 200 and changes nothing', async () => {
    const { sn } = await newTicket();
    await approve(sandbox, sn);
    const replay = await world.postCallback(JSON.stringify(body(sn)));
    expect(replay).toEqual({ status: 200, json: { result: true, code: 0, message: 'duplicate' } });
    expect((await world.store.tickets.get(sn))?.version).toBe(1);
  });
});

describe('a callback is judged by ITSM’s own facts', () => {
  it('a validly signed callback claiming approval of a ticket still RUNNING changes nothing', async () => {
    const { sn } = await newTicket();
    const res = await world.postCallback(JSON.stringify(body(sn)));
    expect(res.status).toBe(200);
    expect(await world.store.tickets.get(sn)).toMatchObject({ status: 'RUNNING', version: 0 });
    expect(await inbox(world.store, sn)).toEqual([{ token_ok: true, outcome: 'duplicate:claims_differ' }]);
  });

  it('a callback claiming approval of a rejected ticket stores the rejection', async () => {
    const { sn } = await newTicket();
    await control(sandbox, 'POST', '/itsm/callbacks', { dropNext: 1 });
    await reject(sandbox, sn);
    expect((await world.postCallback(JSON.stringify(body(sn, { approve_result: true })))).status).toBe(200);
    expect(await world.store.tickets.get(sn)).toMatchObject({ status: 'FINISHED', approveResult: false });
  });

  it('a FINISHED ticket never reopens, whatever later callbacks claim', async () => {
    const { sn } = await newTicket();
    await approve(sandbox, sn);
    for (const claims of [
      { current_status: 'RUNNING' },
      { current_status: 'TERMINATED', approve_result: false },
    ]) {
      expect((await world.postCallback(JSON.stringify(body(sn, claims)))).status).toBe(200);
    }
    expect(await world.store.tickets.get(sn)).toMatchObject({
      status: 'FINISHED',
      approveResult: true,
      version: 1,
    });
  });
});

describe('a callback that is not one', () => {
  it.each([
    ['not JSON', '{"sn": ', 'application/json'],
    ['a JSON array', '[]', 'application/json'],
    ['missing token', JSON.stringify({ ...body('NO1'), token: undefined }), 'application/json'],
    [
      'approve_result as a string',
      JSON.stringify(body('NO1', { approve_result: 'true' })),
      'application/json',
    ],
    ['an sn with spaces', JSON.stringify(body('NO 1')), 'application/json'],
    ['a non-ISO update_at', JSON.stringify(body('NO1', { update_at: 'yesterday' })), 'application/json'],
    ['form-encoded', 'sn=NO1&token=x', 'application/x-www-form-urlencoded'],
  ])('%s is 400 and stored nowhere', async (_what, text, type) => {
    const before = await inboxSize(world.store);
    const res = await world.postCallback(text, type);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ result: false, code: 400 });
    expect(await inboxSize(world.store)).toBe(before);
  });

  it('over 64 KiB is 413 and stored nowhere', async () => {
    const before = await inboxSize(world.store);
    const huge = JSON.stringify(body('NO1', { title: 'x'.repeat(70 * 1024) }));
    const res = await world.postCallback(huge);
    expect(res).toEqual({ status: 413, json: { result: false, code: 413, message: 'body over 64 KiB' } });
    expect((await world.handler({ contentType: 'application/json', body: huge })).status).toBe(413);
    expect(await inboxSize(world.store)).toBe(before);
  });

  it('with a token ITSM did not issue is 403, kept with token_ok false, and changes nothing', async () => {
    const { sn } = await newTicket();
    const forged = Buffer.alloc(48, 7).toString('base64');
    const res = await world.postCallback(JSON.stringify(body(sn, { token: forged })));
    expect(res).toMatchObject({ status: 403, json: { result: false, code: 403 } });
    expect(await inbox(world.store, sn)).toEqual([{ token_ok: false, outcome: 'forged' }]);
    expect(await world.store.tickets.get(sn)).toMatchObject({ status: 'RUNNING', version: 0 });
  });

  it('for a ticket bk-graph did not create is 404 (after waiting briefly), kept as unknown_ticket', async () => {
    const sn = `NO${Date.now()}99`;
    const res = await world.postCallback(JSON.stringify(body(sn)));
    expect(res).toMatchObject({ status: 404, json: { result: false, code: 404 } });
    expect(await inbox(world.store, sn)).toEqual([{ token_ok: true, outcome: 'unknown_ticket' }]);
  });
});

describe('a callback that races create_ticket', () => {
  it('is applied when ITSM decides the ticket before create_ticket’s answer is stored', async () => {
    await control(sandbox, 'POST', '/itsm/auto', { approveNext: 1 });
    const { sn } = await newTicket();
    const row = await eventually(
      () => world.store.tickets.get(sn),
      (t) => t?.terminal === true,
    );
    expect(row).toMatchObject({ status: 'FINISHED', approveResult: true });
  });

  it('is applied by the creating request when the route has already given up on it (404)', async () => {
    const impatient = await startWorld(sandbox, {
      kind: 'postgres',
      schema,
      owner: false,
      worker: false,
      callback: { ticketWaitMs: 0 },
    });
    try {
      // The route answers 404 at once; the ticket is stored after that, and finds the inbox row.
      await control(sandbox, 'POST', '/itsm/auto', { approveNext: 1 });
      const { sn } = await newTicket(impatient);
      const row = await eventually(
        () => impatient.store.tickets.get(sn),
        (t) => t?.terminal === true,
      );
      expect(row).toMatchObject({ status: 'FINISHED', approveResult: true });
      // The one inbox row ends settled, by the route or by the creating request.
      const rows = await eventually(
        () => inbox(impatient.store, sn),
        (r) => r.length === 1 && r[0]?.outcome !== 'received',
      );
      expect(['applied', 'duplicate', 'applied_after_create']).toContain(rows[0]?.outcome);
    } finally {
      await impatient.close();
    }
  });
});

describe('when the store is down', () => {
  it('answers 503, so ITSM records the failure for the reconcile loop', async () => {
    const down = await startWorld(sandbox, {
      kind: 'postgres',
      schema: randomSchema('tcbdown'),
      worker: false,
    });
    const { sn } = await newTicket(down);
    await down.store.close();
    const res = await down.postCallback(JSON.stringify(body(sn)));
    expect(res).toMatchObject({ status: 503, json: { result: false, code: 503 } });
    await down.close();
  });
});
