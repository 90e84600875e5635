import { sql } from 'kysely';
import { Client } from 'pg';
import { StoreMigrationError, type Store } from '../../src/store';
import { DATABASE_URL, dropAndClose, openTestStore, randomSchema } from './fixture';

const logger = () => ({ info: jest.fn(), warn: jest.fn(), error: jest.fn() });

/** The migrations Kysely recorded in the store's schema. */
async function executedMigrations(store: Store): Promise<string[]> {
  const { rows } = await sql<{
    name: string;
  }>`select name from ${sql.table(`${store.schema}.kysely_migration`)}`.execute(store.db);
  return rows.map((r) => r.name);
}

describe('store migrations', () => {
  it('opening a migrated Postgres schema again runs nothing', async () => {
    const schema = randomSchema('mig');
    const firstLog = logger();
    const first = await openTestStore('postgres', schema, { logger: firstLog });
    await first.close();
    const againLog = logger();
    const again = await openTestStore('postgres', schema, { logger: againLog });
    try {
      expect(firstLog.info).toHaveBeenCalledWith({ migration: '0001-initial', schema }, 'store: migrated');
      expect(againLog.info).not.toHaveBeenCalled();
      expect(await executedMigrations(again)).toEqual(['0001-initial', '0002-approval-secrets']);
    } finally {
      await dropAndClose(again);
    }
  });

  it('two stores migrating one fresh schema at the same moment both succeed, and migrate it once', async () => {
    for (let round = 0; round < 3; round++) {
      const schema = randomSchema('race');
      const stores = await Promise.all([
        openTestStore('postgres', schema),
        openTestStore('postgres', schema),
      ]);
      try {
        expect(await executedMigrations(stores[0])).toEqual(['0001-initial', '0002-approval-secrets']);
        await stores[1].leases.acquire('after-race', 'b', 1000);
      } finally {
        await stores[1].close();
        await dropAndClose(stores[0]);
      }
    }
  });

  it('a migration that cannot apply fails with StoreMigrationError naming it', async () => {
    const schema = randomSchema('broken');
    const admin = new Client({ connectionString: DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(`create schema ${schema}; create table ${schema}.jobs (unrelated int)`);
      const failure = openTestStore('postgres', schema);
      await expect(failure).rejects.toBeInstanceOf(StoreMigrationError);
      await expect(failure).rejects.toMatchObject({
        code: 'STORE_MIGRATION_FAILED',
        migration: '0001-initial',
        message: expect.stringContaining('already exists'),
      });
    } finally {
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    }
  });

  it('rejects a schema name that is not a plain lower-case identifier', async () => {
    await expect(openTestStore('postgres', 'Robert"; drop table x')).rejects.toThrow(
      /The store schema must match .* but got: "Robert\\"; drop table x"/,
    );
  });
});
