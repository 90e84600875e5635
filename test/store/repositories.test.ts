import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { StoreUnavailableError, type NewJob, type Store, type StoreKind } from '../../src/store';
import { migrate } from '../../src/store/migrate';
import { dropAndClose, notePgliteSkipped, openTestStore, randomSchema, STORE_KINDS } from './fixture';

const schema = randomSchema('repo');
notePgliteSkipped('the repository suite');

function newJob(overrides: Partial<NewJob> = {}): NewJob {
  return {
    id: randomUUID(),
    bizId: '3',
    kind: 'plan',
    name: 'deploy',
    createdBy: 'alice',
    tenantId: null,
    callbackTokenHash: `hash-${randomUUID()}`,
    ...overrides,
  };
}

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

describe.each(STORE_KINDS)('store repositories on %s', (kind: StoreKind) => {
  let store: Store;

  beforeAll(async () => {
    store = await openTestStore(kind, schema);
  });
  afterAll(async () => {
    await dropAndClose(store);
  });

  it('answers ping', async () => {
    expect(store.kind).toBe(kind);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('running the migrations again is a no-op', async () => {
    const log = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
    await migrate(store.db, kind, schema, log);
    expect(log.info).not.toHaveBeenCalled();
    const { rows } = await sql<{
      name: string;
    }>`select name from ${sql.table(`${schema}.kysely_migration`)}`.execute(store.db);
    expect(rows.map((r) => r.name)).toEqual(['0001-initial', '0002-approval-secrets']);
  });

  describe('idempotency', () => {
    const claim = (key: string, identity = 'alice') =>
      store.idempotency.claim({ identity, key, operation: 'executePlan', inputHash: 'h1' });

    it('a second claim of the same key returns the first record', async () => {
      const key = unique('k');
      expect(await claim(key)).toEqual({ claimed: true });
      expect(await claim(key)).toEqual({
        claimed: false,
        record: expect.objectContaining({ key, identity: 'alice', state: 'pending', inputHash: 'h1' }),
      });
    });

    it('keys belong to one identity: another identity claims the same key afresh', async () => {
      const key = unique('k');
      await claim(key, 'alice');
      expect(await claim(key, 'bob')).toEqual({ claimed: true });
    });

    it('a completed key hands its result to every later claim', async () => {
      const key = unique('k');
      await claim(key);
      expect(await store.idempotency.complete('alice', key, { jobId: 'j1', hosts: [1, 2] })).toBe(true);
      const again = await claim(key);
      expect(again).toMatchObject({
        claimed: false,
        record: { state: 'done', result: { jobId: 'j1', hosts: [1, 2] } },
      });
    });

    it('an unknown outcome stays unknown for repeats until it is completed', async () => {
      const key = unique('k');
      await claim(key);
      expect(await store.idempotency.markUnknown('alice', key, { reason: 'timeout' })).toBe(true);
      expect(await store.idempotency.release('alice', key)).toBe(false);
      expect(await store.idempotency.get('alice', key)).toMatchObject({
        state: 'unknown',
        result: { reason: 'timeout' },
      });
      expect(await store.idempotency.complete('alice', key, 42)).toBe(true);
      expect(await store.idempotency.get('alice', key)).toMatchObject({ state: 'done', result: 42 });
    });

    it('a released claim lets the next caller claim the key', async () => {
      const key = unique('k');
      await claim(key);
      expect(await store.idempotency.release('alice', key)).toBe(true);
      expect(await store.idempotency.get('alice', key)).toBeNull();
      expect(await claim(key)).toEqual({ claimed: true });
    });
  });

  describe('jobs', () => {
    it('finds a job by id, JOB instance id and callback token hash; the instance id is set once', async () => {
      const job = newJob();
      const inserted = await store.jobs.insert(job);
      expect(inserted).toMatchObject({
        id: job.id,
        jobInstanceId: null,
        finished: false,
        version: 0,
        pollAttempts: 0,
      });
      expect(inserted.createdAt).toBeInstanceOf(Date);

      const instance = unique('ji');
      expect(await store.jobs.attachInstance(job.id, instance, 'deploy v2')).toMatchObject({
        jobInstanceId: instance,
        name: 'deploy v2',
      });
      expect(await store.jobs.attachInstance(job.id, unique('other'))).toBeNull();
      expect((await store.jobs.get(job.id))?.jobInstanceId).toBe(instance);
      expect((await store.jobs.findByInstance(instance))?.id).toBe(job.id);
      expect((await store.jobs.findByTokenHash(job.callbackTokenHash))?.id).toBe(job.id);
      expect(await store.jobs.get(randomUUID())).toBeNull();
    });

    it('applyStatus reports a change once, bumps the version, and ignores an identical repeat', async () => {
      const job = newJob();
      const instance = unique('ji');
      await store.jobs.insert(job);
      await store.jobs.attachInstance(job.id, instance);
      const running = { status: 2, finished: false, steps: [{ stepInstanceId: 's1', status: 2 }] };

      const first = await store.jobs.applyStatus(instance, running);
      expect(first).toMatchObject({ changed: true, row: { status: 2, version: 1, steps: running.steps } });
      const repeat = await store.jobs.applyStatus(instance, running);
      expect(repeat).toMatchObject({ changed: false, row: { version: 1 } });
      const nextStep = await store.jobs.applyStatus(instance, {
        ...running,
        steps: [{ stepInstanceId: 's1', status: 3 }],
      });
      expect(nextStep).toMatchObject({ changed: true, row: { version: 2 } });
    });

    it('applyStatus never moves a finished job back to unfinished, and finishing stops its polls', async () => {
      const job = newJob();
      const instance = unique('ji');
      await store.jobs.insert(job);
      await store.jobs.attachInstance(job.id, instance);
      await store.jobs.schedulePoll(job.id, new Date(Date.now() + 60_000), 1);

      const done = await store.jobs.applyStatus(instance, { status: 3, finished: true, steps: null });
      expect(done).toMatchObject({ changed: true, row: { finished: true, nextPollAt: null } });
      const late = await store.jobs.applyStatus(instance, { status: 2, finished: false, steps: null });
      expect(late).toMatchObject({ changed: false, row: { status: 3, finished: true, version: 1 } });
      expect(await store.jobs.schedulePoll(job.id, new Date(), 2)).toBe(false);
      // JOB can re-run a failed execution to another final state; that is still news.
      const rerun = await store.jobs.applyStatus(instance, { status: 4, finished: true, steps: null });
      expect(rerun).toMatchObject({ changed: true, row: { status: 4, finished: true, version: 2 } });
    });

    it('applyStatus of an unknown instance changes nothing', async () => {
      expect(
        await store.jobs.applyStatus(unique('nope'), { status: 3, finished: true, steps: null }),
      ).toEqual({
        changed: false,
        row: null,
      });
    });

    it('claimDuePolls returns due unfinished jobs once, up to the limit, and pushes them ahead', async () => {
      const at = new Date(Date.now() + 3_600_000); // past every other test's polls
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const job = newJob();
        await store.jobs.insert(job);
        await store.jobs.schedulePoll(job.id, new Date(at.getTime() - (3 - i) * 1000), i);
        ids.push(job.id);
      }
      const notDue = newJob();
      await store.jobs.insert(notDue);
      await store.jobs.schedulePoll(notDue.id, new Date(at.getTime() + 60_000), 0);

      const first = await store.jobs.claimDuePolls(at, 2, 30_000);
      expect(first.map((j) => j.id)).toEqual(ids.slice(0, 2));
      expect(first[0]?.nextPollAt?.getTime()).toBe(at.getTime() + 30_000);
      const rest = await store.jobs.claimDuePolls(at, 10, 30_000);
      expect(rest.map((j) => j.id)).toEqual([ids[2]]);
      expect(await store.jobs.claimDuePolls(at, 10, 30_000)).toEqual([]);
    });
  });

  describe('callback inboxes', () => {
    it('keep at most 64 KiB of a body, cut on a character boundary, and keep bodies with NUL', async () => {
      const huge = '\u00e9'.repeat(40_000); // 80 000 bytes of two-byte characters
      const id = await store.jobCallbacks.record({
        jobInstanceId: null,
        contentType: 'application/json',
        body: `x${huge}`,
        outcome: 'malformed',
      });
      const row = await store.db
        .selectFrom('job_callbacks')
        .select('body')
        .where('id', '=', id as never)
        .executeTakeFirstOrThrow();
      expect(Buffer.byteLength(row.body)).toBe(64 * 1024 - 1);
      expect(row.body.endsWith('\u00e9')).toBe(true);

      const ticketId = await store.ticketCallbacks.record({
        sn: 'S1',
        body: 'a\u0000b',
        tokenOk: false,
        outcome: 'bad_token',
      });
      expect(ticketId).toBeGreaterThan(0);
    });
  });

  describe('audit', () => {
    it('lists an actor’s entries newest first, with the total count', async () => {
      const actor = unique('actor');
      for (const action of ['a1', 'a2', 'a3']) {
        await store.audit.append({ actor, action, outcome: 'ok', hostCount: 2, detail: { action } });
      }
      await store.audit.append({ actor: unique('someone'), action: 'other', outcome: 'ok' });
      const page = await store.audit.listByActor(actor, { offset: 1, limit: 1 });
      expect(page.count).toBe(3);
      expect(page.items).toEqual([
        expect.objectContaining({ action: 'a2', hostCount: 2, detail: { action: 'a2' } }),
      ]);
      expect(typeof page.items[0]?.id).toBe('number');
    });
  });

  describe('tickets', () => {
    const newTicket = (sn: string, createdBy = 'alice') => ({
      sn,
      serviceId: '7',
      title: 'restart',
      status: 'RUNNING',
      createdBy,
      tenantId: null,
    });
    const report = { approveResult: null, updatedBy: 'bob', itsmUpdatedAt: new Date() };

    it('inserts a ticket once', async () => {
      const sn = unique('NO');
      expect(await store.tickets.insert(newTicket(sn))).toBe(true);
      expect(await store.tickets.insert({ ...newTicket(sn), title: 'changed' })).toBe(false);
      expect(await store.tickets.get(sn)).toMatchObject({ title: 'restart', terminal: false, version: 0 });
    });

    it('applyStatus changes a ticket until it is terminal, and never after', async () => {
      const sn = unique('NO');
      await store.tickets.insert(newTicket(sn));
      expect(await store.tickets.applyStatus(sn, { ...report, status: 'RUNNING' })).toMatchObject({
        changed: false,
      });
      expect(
        await store.tickets.applyStatus(sn, { ...report, status: 'RUNNING', url: 'http://itsm/t/1' }),
      ).toMatchObject({ changed: true, row: { url: 'http://itsm/t/1', version: 1 } });
      const finished = await store.tickets.applyStatus(sn, {
        ...report,
        status: 'FINISHED',
        approveResult: true,
      });
      expect(finished).toMatchObject({
        changed: true,
        row: { status: 'FINISHED', approveResult: true, terminal: true, url: 'http://itsm/t/1', version: 2 },
      });
      for (const status of ['RUNNING', 'TERMINATED']) {
        expect(
          await store.tickets.applyStatus(sn, { ...report, status, approveResult: false }),
        ).toMatchObject({
          changed: false,
          row: { status: 'FINISHED', approveResult: true, version: 2 },
        });
      }
      expect(await store.tickets.applyStatus(unique('NO'), { ...report, status: 'FINISHED' })).toEqual({
        changed: false,
        row: null,
      });
    });

    it('lists by creator and status newest first, and knows which sns are ours and still open', async () => {
      const creator = unique('creator');
      const sns = [unique('NO'), unique('NO'), unique('NO')];
      for (const sn of sns) await store.tickets.insert(newTicket(sn, creator));
      await store.tickets.applyStatus(sns[0] as string, { ...report, status: 'REVOKED' });

      const mine = await store.tickets.list({ createdBy: creator, offset: 0, limit: 10 });
      expect(mine.count).toBe(3);
      expect(new Set(mine.items.map((t) => t.sn))).toEqual(new Set(sns));
      const times = mine.items.map((t) => t.createdAt.getTime());
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      const revoked = await store.tickets.list({
        createdBy: creator,
        status: 'REVOKED',
        offset: 0,
        limit: 10,
      });
      expect(revoked.items.map((t) => t.sn)).toEqual([sns[0]]);
      expect(
        (await store.tickets.list({ createdBy: null, offset: 0, limit: 1 })).count,
      ).toBeGreaterThanOrEqual(3);

      const open = await store.tickets.nonTerminalSns(1000);
      expect(open).toEqual(expect.arrayContaining(sns.slice(1)));
      expect(open).not.toContain(sns[0]);
      expect((await store.tickets.filterOurs([...sns, 'NOT-OURS'])).sort()).toEqual([...sns].sort());
      expect(await store.tickets.filterOurs([])).toEqual([]);
    });
  });

  describe('approvals and the job outbox', () => {
    const newApproval = (createdBy = 'alice') => ({
      bizId: '3',
      planId: '1001',
      variables: [{ name: 'v', value: '1' }],
      serviceId: '7',
      reason: 'release',
      createdBy,
      tenantId: null,
    });

    it('transition moves an approval only from an expected state, once', async () => {
      const approval = await store.approvals.insert(newApproval());
      expect(approval).toMatchObject({
        state: 'PENDING',
        version: 0,
        variables: [{ name: 'v', value: '1' }],
      });
      const approved = await store.approvals.transition(approval.id, ['PENDING'], 'APPROVED', {
        decidedBy: 'bob',
      });
      expect(approved).toMatchObject({ state: 'APPROVED', decidedBy: 'bob', version: 1 });
      expect(await store.approvals.transition(approval.id, ['PENDING'], 'REJECTED')).toBeNull();
      const jobId = randomUUID();
      expect(
        await store.approvals.transition(approval.id, ['APPROVED'], 'EXECUTING', { jobId }),
      ).toMatchObject({
        state: 'EXECUTING',
        jobId,
        decidedBy: 'bob',
        version: 2,
      });
      expect(await store.approvals.transition(randomUUID(), ['PENDING'], 'APPROVED')).toBeNull();
    });

    it('links a ticket once and finds the approval by it', async () => {
      const approval = await store.approvals.insert(newApproval());
      const sn = unique('NO');
      expect(await store.approvals.attachTicket(approval.id, sn)).toMatchObject({ ticketSn: sn });
      expect(await store.approvals.attachTicket(approval.id, unique('NO'))).toBeNull();
      expect((await store.approvals.getByTicket(sn))?.id).toBe(approval.id);
      const creator = unique('creator');
      await store.approvals.insert(newApproval(creator));
      const listed = await store.approvals.list({
        createdBy: creator,
        state: 'PENDING',
        offset: 0,
        limit: 5,
      });
      expect(listed).toMatchObject({ count: 1, items: [{ createdBy: creator }] });
    });

    it('the outbox hands an entry out once, again only after its claim goes stale, and not when done', async () => {
      const approval = await store.approvals.insert(newApproval());
      const other = await store.approvals.insert(newApproval());
      // Both written in one transaction, as the service does when an approval is approved.
      await store.transaction(async (tx) => {
        await tx.approvals.transition(approval.id, ['PENDING'], 'APPROVED');
        expect(await tx.outbox.enqueue(approval.id)).toBe(true);
      });
      expect(await store.outbox.enqueue(approval.id)).toBe(false);
      await store.outbox.enqueue(other.id);

      const claimed = await store.outbox.claim('worker-a', 10, 60_000);
      expect(claimed).toEqual(expect.arrayContaining([approval.id, other.id]));
      expect(await store.outbox.claim('worker-b', 10, 60_000)).toEqual([]);
      expect(await store.outbox.done(other.id)).toBe(true);
      await new Promise((r) => setTimeout(r, 30));
      expect(await store.outbox.claim('worker-b', 10, 20)).toEqual([approval.id]);
      expect(await store.outbox.get(approval.id)).toMatchObject({
        state: 'claimed',
        claimedBy: 'worker-b',
        attempts: 2,
      });
      expect(await store.outbox.get(other.id)).toMatchObject({ state: 'done' });
      await store.outbox.done(approval.id);
    });

    it('a transaction that throws writes nothing', async () => {
      const approval = await store.approvals.insert(newApproval());
      await expect(
        store.transaction(async (tx) => {
          await tx.approvals.transition(approval.id, ['PENDING'], 'APPROVED');
          await tx.outbox.enqueue(approval.id);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect((await store.approvals.get(approval.id))?.state).toBe('PENDING');
      expect(await store.outbox.get(approval.id)).toBeNull();
    });
  });

  describe('leases', () => {
    it('a lease is exclusive until it expires, renewable by its holder, and released only by it', async () => {
      const name = unique('lease');
      expect(await store.leases.acquire(name, 'a', 200)).toBe(true);
      expect(await store.leases.acquire(name, 'b', 200)).toBe(false);
      expect(await store.leases.acquire(name, 'a', 200)).toBe(true);
      expect(await store.leases.release(name, 'b')).toBe(false);
      await new Promise((r) => setTimeout(r, 250));
      expect(await store.leases.acquire(name, 'b', 60_000)).toBe(true);
      expect(await store.leases.acquire(name, 'a', 60_000)).toBe(false);
      expect(await store.leases.release(name, 'b')).toBe(true);
      expect(await store.leases.acquire(name, 'a', 60_000)).toBe(true);
    });
  });

  it('once closed, repositories and ping fail with StoreUnavailableError', async () => {
    // PGlite is per process: close the suite's own (last test); on Postgres close a second store.
    const victim = kind === 'pglite' ? store : await openTestStore(kind, schema);
    await victim.close();
    await expect(victim.leases.acquire('x', 'y', 1000)).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(victim.ping()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', store: kind });
    await expect(victim.transaction(async () => 1)).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
