import { asUser, startClientsHarness, TRANSPORTS } from './clients-harness';
import type { ClientsHarness } from './clients-harness';

let h: ClientsHarness;
beforeAll(async () => {
  h = await startClientsHarness();
});
afterAll(() => h.close());

describe.each(TRANSPORTS)('paas client over %s', (transport) => {
  it('answers app info in the order asked, null for an unknown app, in one call', async () => {
    await h.sandbox.reset();
    const apps = await h.clients(transport).paas.appInfo(['no-such-app', 'bk-graph'], asUser('admin'));
    expect(apps).toHaveLength(2);
    expect(apps[0]).toBeNull();
    expect(apps[1]).toMatchObject({ code: 'bk-graph', name: expect.any(String) });
    expect(apps[1]?.developers.length).toBeGreaterThan(0);
    expect((await h.sandbox.stats()).total).toBe(1);
  });

  it('makes no call for no codes', async () => {
    await h.sandbox.reset();
    await expect(h.clients(transport).paas.appInfo([], asUser('admin'))).resolves.toEqual([]);
    expect((await h.sandbox.stats()).total).toBe(0);
  });
});
