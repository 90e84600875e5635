import { randomUUID } from 'node:crypto';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { randomSchema } from '../store/fixture';
import {
  actorOf,
  approve,
  calls,
  control,
  eventually,
  reject,
  startWorld,
  type World,
} from './tickets.harness';

/**
 * The reconcile loop: lost callbacks are repaired from ITSM's own answers, one replica at a time,
 * and other apps' failed callbacks are never acknowledged (CONTRACTS.md §7.6).
 */

let sandbox: TestSandbox;
let world: World;
const schema = randomSchema('trec');

async function newTicket(w: World = world) {
  return w.tickets.create(actorOf('alice'), {
    serviceId: '18',
    title: `rotate logs ${randomUUID().slice(0, 6)}`,
  });
}
const itsmView = async (sn: string) => (await control(sandbox, 'GET', `/itsm/tickets/${sn}`)).json;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  world = await startWorld(sandbox, { kind: 'postgres', schema, worker: false });
});
afterAll(async () => {
  await world.close();
  await sandbox.close();
});
afterEach(async () => {
  await control(sandbox, 'POST', '/itsm/callbacks', {});
});

it('one round repairs a dropped callback and leaves another app’s failed callback alone', async () => {
  const { sn } = await newTicket();
  const foreign = (await control(sandbox, 'POST', '/itsm/tickets/foreign', { failedCallback: true })).json;
  await control(sandbox, 'POST', '/itsm/callbacks', { dropNext: 1 });
  await approve(sandbox, sn);
  expect(await itsmView(sn)).toMatchObject({ callback_failed: true });
  expect(await world.store.tickets.get(sn)).toMatchObject({ status: 'RUNNING' });

  const reconciler = world.reconciler();
  const report = await reconciler.runOnce();
  await reconciler.stop();

  expect(report).toMatchObject({ skipped: false, failedCallbacks: 1, failedBatches: 0 });
  expect(report.changed).toBeGreaterThanOrEqual(1);
  expect(await world.store.tickets.get(sn)).toMatchObject({ status: 'FINISHED', approveResult: true });
  // Ours is acknowledged by asking about it; the foreign one is still ITSM's to report.
  expect(await itsmView(sn)).toMatchObject({ callback_failed: false });
  expect(await itsmView(foreign.sn as string)).toMatchObject({
    app_code: 'bk_log_search',
    callback_failed: true,
  });
  expect(await world.store.tickets.get(foreign.sn as string)).toBeNull();
});

it('asks about open tickets in batches of the configured size', async () => {
  const fresh = await startWorld(sandbox, { kind: 'postgres', schema: randomSchema('trecb'), worker: false });
  try {
    await Promise.all(Array.from({ length: 25 }, () => newTicket(fresh)));
    const reconciler = fresh.reconciler({ batchSize: 10 });
    await reconciler.runOnce(); // the start-up round
    const before = await calls(sandbox, 'itsm.ticket_approval_result');
    const report = await reconciler.runOnce();
    await reconciler.stop();
    expect(report).toMatchObject({ asked: 25, changed: 0 });
    expect((await calls(sandbox, 'itsm.ticket_approval_result')) - before).toBe(3);
  } finally {
    await fresh.close();
  }
});

it('runs at start-up and then every interval, without being asked', async () => {
  const first = await newTicket();
  await control(sandbox, 'POST', '/itsm/callbacks', { dropNext: 2 });
  await reject(sandbox, first.sn);
  const reconciler = world.reconciler({ intervalMs: 300 });
  try {
    await eventually(
      () => world.store.tickets.get(first.sn),
      (t) => t?.terminal === true,
    );
    const second = await newTicket();
    await approve(sandbox, second.sn);
    await eventually(
      () => world.store.tickets.get(second.sn),
      (t) => t?.terminal === true,
    );
    expect(await world.store.tickets.get(first.sn)).toMatchObject({
      status: 'FINISHED',
      approveResult: false,
    });
    expect(await world.store.tickets.get(second.sn)).toMatchObject({
      status: 'FINISHED',
      approveResult: true,
    });
  } finally {
    await reconciler.stop();
  }
});

it('only one replica reconciles at a time', async () => {
  const replica = await startWorld(sandbox, { kind: 'postgres', schema, owner: false, worker: false });
  const a = world.reconciler({ intervalMs: 600_000 });
  const b = replica.reconciler({ intervalMs: 600_000 });
  try {
    const reports = await Promise.all([a.runOnce(), b.runOnce(), a.runOnce(), b.runOnce()]);
    const holders = new Set(
      reports.map((r, i) => (r.skipped ? null : i % 2)).filter((x): x is number => x !== null),
    );
    expect(holders.size).toBe(1);
  } finally {
    await a.stop();
    await b.stop();
    await replica.close();
  }
});
