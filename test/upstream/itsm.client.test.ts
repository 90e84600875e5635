import { isUpstreamError } from '../../src/errors';
import type { UpstreamError } from '../../src/errors';
import { ITSM_TICKET_NOT_FOUND } from '../../src/upstream/itsm';
import { asUser, startClientsHarness, TRANSPORTS } from './clients-harness';
import type { ClientsHarness } from './clients-harness';

let h: ClientsHarness;
beforeAll(async () => {
  h = await startClientsHarness();
});
afterAll(() => h.close());

// Nothing listens on port 1: ITSM's callback fails and the ticket lands in its failed list.
const DEAD_CALLBACK = 'http://127.0.0.1:1/callbacks/itsm';

async function decide(sn: string, verdict: 'approve' | 'reject'): Promise<void> {
  const res = await fetch(`${h.sandbox.url}/_sandbox/itsm/tickets/${sn}/${verdict}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  if (!res.ok) throw new Error(`could not ${verdict} ${sn}: HTTP ${res.status}`);
}

describe.each(TRANSPORTS)('itsm client over %s', (transport) => {
  const itsm = () => h.clients(transport).itsm;

  it('files a ticket and reads it back as RUNNING with its dates', async () => {
    const [service] = await itsm().services({}, asUser('admin'));
    expect(service).toMatchObject({ id: expect.stringMatching(/^\d+$/), name: expect.any(String) });
    const created = await itsm().createTicket(
      {
        serviceId: service!.id,
        creator: 'admin',
        title: `clients test ${transport}`,
        fields: [{ key: 'reason', value: 'test' }],
      },
      asUser('admin'),
    );
    expect(created.sn).toEqual(expect.any(String));

    const status = await itsm().ticketStatus(created.sn, asUser('admin'));
    expect(status).toMatchObject({ sn: created.sn, status: 'RUNNING' });
    const info = await itsm().ticketInfo(created.sn, asUser('admin'));
    expect(info).toMatchObject({
      sn: created.sn,
      title: `clients test ${transport}`,
      status: 'RUNNING',
      createdBy: 'admin',
    });
    expect(info.createdAt).toBeInstanceOf(Date);
    // ITSM's clock and ours agree to within a minute once its zone-less time is read as UTC+8.
    expect(Math.abs(info.createdAt!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it('suspends and resumes a ticket', async () => {
    const [service] = await itsm().services({}, asUser('admin'));
    const { sn } = await itsm().createTicket(
      { serviceId: service!.id, creator: 'admin', title: 'suspend me' },
      asUser('admin'),
    );
    await itsm().operateTicket(
      { sn, operator: 'admin', action: 'SUSPEND', message: 'wait' },
      asUser('admin'),
    );
    expect((await itsm().ticketStatus(sn, asUser('admin'))).status).toBe('SUSPENDED');
    await itsm().operateTicket({ sn, operator: 'admin', action: 'UNSUSPEND' }, asUser('admin'));
    expect((await itsm().ticketStatus(sn, asUser('admin'))).status).toBe('RUNNING');
  });

  it('lists a ticket whose callback failed until its approval result is read', async () => {
    const [service] = await itsm().services({}, asUser('admin'));
    const { sn } = await itsm().createTicket(
      { serviceId: service!.id, creator: 'admin', title: 'approve me', callbackUrl: DEAD_CALLBACK },
      asUser('admin'),
    );
    await decide(sn, 'approve');
    expect(await itsm().failedCallbacks(asUser('admin'))).toContain(sn);

    const [result] = await itsm().approvalResults([sn, 'NO-SUCH-TICKET'], asUser('admin'));
    expect(result).toMatchObject({ sn, status: 'FINISHED', approveResult: true });
    expect(result!.updatedAt).toBeInstanceOf(Date);
    expect(await itsm().failedCallbacks(asUser('admin'))).not.toContain(sn);
  });

  it('says a made-up callback token is not ITSM’s', async () => {
    await expect(itsm().verifyToken('bm90IGEgdG9rZW4=', asUser('admin'))).resolves.toBe(false);
  });

  it('fails with ITSM’s business code 3900022 for an unknown ticket', async () => {
    const err = (await itsm()
      .ticketStatus('NO0000000000000000', asUser('admin'))
      .catch((e: unknown) => e)) as UpstreamError;
    expect(isUpstreamError(err)).toBe(true);
    expect(err.kind).toBe('business');
    expect(err.upstream).toMatchObject({
      system: 'itsm',
      api: 'get_ticket_status',
      code: ITSM_TICKET_NOT_FOUND,
    });
    expect(err.extensions.code).toBe('UPSTREAM_ERROR');
  });
});

describe('itsm client input checks', () => {
  it('requires a message to terminate a ticket, before calling ITSM', async () => {
    await expect(
      h
        .clients('apigw')
        .itsm.operateTicket({ sn: 'NO1', operator: 'admin', action: 'TERMINATE' }, asUser('admin')),
    ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'message' } });
  });
});
