import { randomUUID } from 'node:crypto';
import type { Store } from '../../src/store';
import { dropAndClose, openTestStore, randomSchema } from './fixture';

/*
 * Races between replicas, on a real Postgres: two stores (two pools) on one schema, as two
 * bk-graph processes would be. PGlite has one connection and cannot race.
 */
describe('store under concurrent replicas (Postgres)', () => {
  const schema = randomSchema('race');
  let a: Store;
  let b: Store;

  beforeAll(async () => {
    a = await openTestStore('postgres', schema);
    b = await openTestStore('postgres', schema);
  });
  afterAll(async () => {
    await b.close();
    await dropAndClose(a);
  });

  const either = (i: number) => (i % 2 === 0 ? a : b);

  it('of 20 concurrent claims of one key exactly one is claimed, and the others see its record', async () => {
    const key = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        either(i).idempotency.claim({ identity: 'alice', key, operation: 'executePlan', inputHash: 'h' }),
      ),
    );
    expect(results.filter((r) => r.claimed)).toHaveLength(1);
    for (const r of results) {
      if (!r.claimed) expect(r.record).toMatchObject({ key, state: 'pending' });
    }
  });

  it('of 10 concurrent identical status reports exactly one is a change', async () => {
    const id = randomUUID();
    const instance = `ji-${id}`;
    await a.jobs.insert({
      id,
      bizId: '3',
      kind: 'script',
      name: null,
      createdBy: 'alice',
      tenantId: null,
      callbackTokenHash: id,
    });
    await a.jobs.attachInstance(id, instance);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        either(i).jobs.applyStatus(instance, { status: 3, finished: true, steps: [] }),
      ),
    );
    expect(results.filter((r) => r.changed)).toHaveLength(1);
    expect((await a.jobs.get(id))?.version).toBe(1);
  });

  it('claimDuePolls from two replicas at once never returns the same job twice', async () => {
    const at = new Date(Date.now() + 86_400_000);
    const ids = new Set<string>();
    for (let i = 0; i < 40; i++) {
      const id = randomUUID();
      await a.jobs.insert({
        id,
        bizId: '3',
        kind: 'plan',
        name: null,
        createdBy: 'alice',
        tenantId: null,
        callbackTokenHash: id,
      });
      await a.jobs.schedulePoll(id, new Date(at.getTime() - 1000), 0);
      ids.add(id);
    }
    const seen: string[] = [];
    for (let round = 0; round < 4; round++) {
      const batches = await Promise.all([
        a.jobs.claimDuePolls(at, 7),
        b.jobs.claimDuePolls(at, 7),
        a.jobs.claimDuePolls(at, 7),
        b.jobs.claimDuePolls(at, 7),
      ]);
      seen.push(...batches.flat().map((j) => j.id));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.every((id) => ids.has(id))).toBe(true);
    const rest = await a.jobs.claimDuePolls(at, 100);
    expect(seen.length + rest.length).toBe(40);
  });

  it('outbox.claim from two replicas at once never returns the same approval twice', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const id = randomUUID();
      await a.outbox.enqueue(id);
      ids.push(id);
    }
    const batches = await Promise.all(
      Array.from({ length: 6 }, (_, i) => either(i).outbox.claim(`worker-${i}`, 4, 60_000)),
    );
    const claimed = batches.flat();
    expect(new Set(claimed).size).toBe(claimed.length);
    const rest = await a.outbox.claim('sweeper', 100, 60_000);
    expect(new Set([...claimed, ...rest])).toEqual(new Set(ids));
  });

  it('of concurrent lease acquisitions by different holders exactly one wins', async () => {
    const name = `lease-${randomUUID()}`;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => either(i).leases.acquire(name, `holder-${i}`, 60_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
