import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import * as vm from 'node:vm';
import { openStore, type Store, type StoreKind, type StoreOptions } from '../../src/store';

/** Real servers only (CI starts both on loopback; .ci/run). */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * PGlite's Node build loads parts of itself with `import()`, which jest's CommonJS sandbox only
 * allows when Node runs with --experimental-vm-modules (vm.SyntheticModule exists only then).
 * Without it PGlite cannot start inside jest at all, so its variants are skipped, loudly.
 */
export const PGLITE_RUNS_UNDER_JEST =
  typeof (vm as { SyntheticModule?: unknown }).SyntheticModule === 'function';

/** The drivers the repository suite runs against here. */
export const STORE_KINDS: StoreKind[] = PGLITE_RUNS_UNDER_JEST ? ['postgres', 'pglite'] : ['postgres'];

/** Registers a visible skipped test saying why PGlite did not run (no-op when it did). */
export function notePgliteSkipped(what: string): void {
  if (!PGLITE_RUNS_UNDER_JEST) {
    it.skip(`${what} on PGlite (run jest with NODE_OPTIONS=--experimental-vm-modules)`, () => undefined);
  }
}

/** A schema of its own for one test file, so files sharing the database never meet. */
export function randomSchema(prefix: string): string {
  return `t_${prefix}_${randomBytes(5).toString('hex')}`;
}

/** A store of `kind`: Postgres in `schema`, or a fresh in-memory PGlite (with the same schema). */
export function openTestStore(
  kind: StoreKind,
  schema: string,
  extra: Partial<StoreOptions> = {},
): Promise<Store> {
  return openStore({
    databaseUrl: kind === 'postgres' ? DATABASE_URL : null,
    dataDir: 'memory://',
    schema,
    ...extra,
  });
}

/** Drops the test's schema (Postgres outlives the test run; PGlite in memory does not) and closes. */
export async function dropAndClose(store: Store): Promise<void> {
  if (store.kind === 'postgres')
    await store.db.schema.dropSchema(store.schema).ifExists().cascade().execute();
  await store.close();
}

/** A port nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** A server that accepts connections and never answers (a hung database or a black-holed route). */
export async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    port,
    close: async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
