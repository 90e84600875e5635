import { randomUUID } from 'node:crypto';
import {
  CreateTicketDocument,
  FastExecuteScriptDocument,
  JobDocument,
  RequestJobPlanExecutionDocument,
  TicketDocument,
} from './__generated__/graphql';
import { ADMIN, ALICE, GENERAL_SERVICE, journal, quickPlan, requestInput } from './approvals.helpers';
import { eventually, sandboxInstance } from './jobs.helpers';
import { bkFetch, startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { startTestServer, type TestServer } from './helpers/server';

/**
 * The settings of the README's configuration table that shape bk-graph's writes and its background
 * work (the JOB cache, the callback URLs it hands BlueKing, the ITSM service and identity) take
 * effect: each is set through the environment of a real server and observed from outside, in the
 * sandbox's own records (JOB instances, ITSM tickets) and its request journal. The read settings
 * are in server.settings.test.ts.
 */

const BIZ = '2';
/** Servers here run no cache watcher and, unless a test says so, no reconcile round but the first. */
const QUIET = { WATCH_ENABLED: '0', RECONCILE_INTERVAL_S: '3600' };

async function withServer(env: Record<string, string>, run: (s: TestServer) => Promise<void>) {
  const server = await startTestServer({ ...QUIET, ...env });
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

/** Starts a short script on live hosts of BIZ through bk-graph; answers the job's id. */
async function startScript(server: TestServer): Promise<string> {
  const hosts = await server.graphql<{
    business: { hosts: { nodes: { id: string; agent: { alive: boolean } | null }[] } };
  }>('query ($b: ID!) { business(id: $b) { hosts(first: 50) { nodes { id agent { alive } } } } }', {
    b: BIZ,
  });
  const live = hosts.body.data!.business.hosts.nodes.filter((n) => n.agent?.alive).map((n) => n.id);
  const res = await server.graphql(FastExecuteScriptDocument, {
    input: {
      businessId: BIZ,
      script: 'echo settings\n',
      language: 'SHELL',
      accountAlias: 'root',
      hostIds: live.slice(0, 2),
      idempotencyKey: randomUUID(),
    },
  });
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.fastExecuteScript.job.id;
}

/** get_job_instance_status calls two job(businessId, id) queries make once the job has finished. */
async function statusReadsOfFinishedJob(server: TestServer): Promise<number> {
  const id = await startScript(server);
  await eventually(async () => ((await sandboxInstance(server.sandboxUrl, id)).finished ? true : undefined));
  const first = await server.graphql(JobDocument, { businessId: BIZ, id });
  expect(first.body.data?.job).toMatchObject({ id, finished: true });
  await server.resetStats();
  for (let i = 0; i < 2; i++) {
    const again = await server.graphql(JobDocument, { businessId: BIZ, id });
    expect(again.body.data?.job).toMatchObject({ id, finished: true });
  }
  return (await server.stats()).calls['job.get_job_instance_status'] ?? 0;
}

describe('JOB settings', () => {
  test('CACHE_TTL_JOB_S: 0 reads a finished job from JOB on every request; the default reads it once', async () => {
    await withServer({}, async (server) => {
      expect(await statusReadsOfFinishedJob(server)).toBe(0);
    });
    await withServer({ CACHE_TTL_JOB_S: '0' }, async (server) => {
      expect(await statusReadsOfFinishedJob(server)).toBe(2);
    });
  });
});

describe('callback settings', () => {
  const PUBLIC_URL = 'http://bk-graph.example.test:8080';

  test('PUBLIC_URL is the callback_url bk-graph gives JOB and ITSM', async () => {
    // Nothing listens there, so JOB's and ITSM's callbacks fail; only the URLs they were given count.
    await withServer({ PUBLIC_URL }, async (server) => {
      const jobId = await startScript(server);
      const instance = await sandboxInstance(server.sandboxUrl, jobId);
      expect(instance.callback_url?.split('?')[0]).toBe(`${PUBLIC_URL}/callbacks/job`);

      const title = `settings ticket ${randomUUID().slice(0, 8)}`;
      const res = await server.graphql(
        CreateTicketDocument,
        { input: { serviceId: GENERAL_SERVICE, title, fields: [{ key: 'reason', value: 'settings' }] } },
        ALICE,
      );
      expect(res.body.errors).toBeUndefined();
      const [create] = (await journal(server.sandboxUrl, 'itsm.create_ticket')).filter((r) =>
        r.body?.includes(title),
      );
      const body = JSON.parse(create!.body!) as { meta: { callback_url: string } };
      expect(body.meta.callback_url.split('?')[0]).toBe(`${PUBLIC_URL}/callbacks/itsm`);
    });
  });
});

describe('ITSM settings', () => {
  test('ITSM_APPROVAL_SERVICE_ID names the service of approvals that name none', async () => {
    await withServer({ ITSM_APPROVAL_SERVICE_ID: GENERAL_SERVICE }, async (server) => {
      const plan = await quickPlan((doc, vars, headers) => server.graphql(doc, vars, headers));
      const res = await server.graphql(
        RequestJobPlanExecutionDocument,
        { input: requestInput(plan, { idempotencyKey: randomUUID() }) },
        ALICE,
      );
      expect(res.body.errors).toBeUndefined();
      const approval = res.body.data!.requestJobPlanExecution.approval;
      expect(approval.serviceId).toBe(GENERAL_SERVICE);

      const ticket = await server.graphql(TicketDocument, { sn: approval.ticket.sn }, ALICE);
      expect(ticket.body.data?.ticket?.serviceId).toBe(GENERAL_SERVICE);
      // ITSM's own record of the ticket.
      const info = await bkFetch(server.sandboxUrl, '/api/bk-itsm/prod/v2/itsm/get_ticket_info/', {
        query: { sn: approval.ticket.sn },
      });
      expect(info.json?.data?.service_id).toBe(Number(GENERAL_SERVICE));
    });
  });

  describe('against a BlueKing configured like a real install (an external sandbox)', () => {
    let sandbox: TestSandbox;
    beforeAll(async () => {
      sandbox = await startTestSandbox();
    });
    afterAll(async () => {
      await sandbox.close();
    });

    test('ITSM_SERVICE_USERNAME is who the reconcile loop asks ITSM as', async () => {
      // APIGW carries the identity in a header, which the journal never keeps; ESB carries it in
      // the query or body, which it keeps (secrets masked). Without ITSM_SERVICE_ACCESS_TOKEN both
      // of the loop's calls claim the username. Only the identity is checked here: the sandbox
      // wants a verified user for ticket_approval_result on ESB as on APIGW, so it refuses the claim.
      const server = await startTestServer(
        {
          ...QUIET,
          RECONCILE_INTERVAL_S: '1',
          BK_ITSM_TRANSPORT: 'esb',
          ITSM_SERVICE_USERNAME: 'svc-bkgraph',
        },
        { externalSandboxUrl: sandbox.url },
      );
      try {
        const res = await server.graphql(
          CreateTicketDocument,
          { input: { serviceId: GENERAL_SERVICE, title: 'reconcile me', fields: [] } },
          ADMIN,
        );
        expect(res.body.errors).toBeUndefined();
        const sn = res.body.data!.createTicket.ticket.sn;
        // A round after the ticket: it asks about the open ticket.
        await sandbox.reset();
        const asked = await eventually(async () => {
          const entries = await journal(sandbox.url);
          const failed = entries.filter((e) => e.api === 'itsm.callback_failed_ticket');
          const results = entries.filter(
            (e) => e.api === 'itsm.ticket_approval_result' && e.body?.includes(sn),
          );
          return failed.length > 0 && results.length > 0 ? { failed, results } : undefined;
        });
        const claimed = asked.failed.map((e) => new URL(e.path, sandbox.url).searchParams.get('bk_username'));
        expect(claimed).toEqual(asked.failed.map(() => 'svc-bkgraph'));
        const bodies = asked.results.map((e) => JSON.parse(e.body!) as { bk_username?: string });
        expect(bodies.map((b) => b.bk_username)).toEqual(bodies.map(() => 'svc-bkgraph'));
      } finally {
        await server.close();
      }
    });
  });
});
