import { openStore, StoreUnavailableError } from '../../src/store';
import { closedPort, silentServer } from './fixture';

const PASSWORD = 's3cret-pw';
const url = (port: number) => `postgres://bkgraph:${PASSWORD}@127.0.0.1:${port}/bk`;

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the store to fail');
    },
    (error: unknown) => error,
  );
}

describe('store when the database is unreachable', () => {
  it('fails with StoreUnavailableError at once when nothing listens on the port, naming no URL or password', async () => {
    const port = await closedPort();
    const started = Date.now();
    const error = await failure(openStore({ databaseUrl: url(port), dataDir: 'memory://' }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', store: 'postgres', reason: 'ECONNREFUSED' });
    const text = `${(error as Error).message} ${JSON.stringify(error)}`;
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('postgres://');
  });

  it('gives up within the connect timeout on a server that accepts and never answers', async () => {
    const silent = await silentServer();
    try {
      const started = Date.now();
      const error = await failure(
        openStore({ databaseUrl: url(silent.port), dataDir: 'memory://', connectTimeoutMs: 300 }),
      );
      expect(Date.now() - started).toBeLessThan(2000);
      expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', reason: 'connection timeout' });
      expect((error as Error).message).not.toContain(PASSWORD);
    } finally {
      await silent.close();
    }
  });
});
