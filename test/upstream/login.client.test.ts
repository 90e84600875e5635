import { isUpstreamError } from '../../src/errors';
import { asUser, ctxOf, startClientsHarness, TRANSPORTS } from './clients-harness';
import type { ClientsHarness } from './clients-harness';

let h: ClientsHarness;
beforeAll(async () => {
  h = await startClientsHarness();
});
afterAll(() => h.close());

describe.each(TRANSPORTS)('login client over %s', (transport) => {
  it('describes the user behind the caller’s bk_token', async () => {
    const me = await h.clients(transport).login.userInfo(asUser('alice'));
    expect(me.username).toBe('alice');
    expect(me.displayName).toEqual(expect.any(String));
    expect(me.language).toMatch(/^(zh-cn|en)$/);
  });

  it('verifies a valid bk_token to its user', async () => {
    const who = await h.clients(transport).login.verifyToken('token-bob', asUser('bob'));
    expect(who).toMatchObject({ username: 'bob' });
  });

  it('answers null, not an error, for an invalid bk_token', async () => {
    const ctx = ctxOf({ kind: 'bk_token', bkToken: 'token-nobody' });
    await expect(h.clients(transport).login.verifyToken('token-nobody', ctx)).resolves.toBeNull();
  });
});

describe('login client errors', () => {
  it('names the caller from an unverified bk_username claim without asking bk-login (APIGW)', async () => {
    const before = (await h.sandbox.stats()).total;
    const me = await h.clients('apigw').login.userInfo(ctxOf({ kind: 'bk_username', bkUsername: 'admin' }));
    expect(me).toMatchObject({ username: 'admin', displayName: null });
    expect((await h.sandbox.stats()).total).toBe(before);
  });

  it('throws a typed upstream error, not null, when bk-login fails for another reason', async () => {
    await h.sandbox.faults({ errorRate: 1 });
    try {
      const err = await h
        .clients('apigw')
        .login.verifyToken('token-admin', asUser('admin'))
        .catch((e: unknown) => e);
      expect(isUpstreamError(err)).toBe(true);
    } finally {
      await h.sandbox.faults({});
    }
  });
});
