import { MeAndBusinessesDocument } from './__generated__/graphql';
import { sandboxSearchBusiness, startTestServer, TEST_SANDBOX_ENV } from './helpers/server';
import type { TestServer } from './helpers/server';
import { startSandbox } from '../src/sandbox/server';
import type { Sandbox } from '../src/sandbox/types';

describe.each(['apigw', 'esb'])(
  'against a standalone sandbox configured as a real BlueKing (BK_TRANSPORT=%s)',
  (transport) => {
    let sandbox: Sandbox;
    let server: TestServer;

    beforeAll(async () => {
      sandbox = await startSandbox({
        seed: 42,
        hosts: Number(TEST_SANDBOX_ENV.SANDBOX_HOSTS),
        jobMs: 50,
        watchTimeoutMs: 400,
        appCode: 'bk-graph',
        appSecret: 'sandbox-secret',
        host: '127.0.0.1',
        port: 0,
      });
      server = await startTestServer({ BK_TRANSPORT: transport }, { externalSandboxUrl: sandbox.url });
    });
    afterAll(async () => {
      await server?.close();
      await sandbox?.close();
    });

    test('me and businesses answer with what the sandbox holds for the caller', async () => {
      const { status, body } = await server.graphql(
        MeAndBusinessesDocument,
        { first: 5 },
        { 'x-bk-token': 'token-admin' },
      );
      const truth = await sandboxSearchBusiness(sandbox.url, 'token-admin', { start: 0, limit: 5 });
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(body.data?.me.username).toBe('admin');
      expect(body.data?.businesses.totalCount).toBe(truth.count);
      expect(body.data?.businesses.nodes).toEqual(
        truth.info.map((b) => ({ id: String(b.bk_biz_id), name: b.bk_biz_name })),
      );
    });

    test('without credentials the request is UNAUTHENTICATED: only sandbox mode has a default user', async () => {
      const { status, body } = await server.graphql(MeAndBusinessesDocument, { first: 5 });
      expect(status).toBe(401);
      expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });

    test('readyz does not depend on a sandbox outside sandbox mode', async () => {
      const res = await fetch(`${server.url}/readyz`);
      const body = (await res.json()) as { checks: Record<string, string> };
      expect(res.status).toBe(200);
      expect(Object.keys(body.checks)).not.toContain('sandbox');
    });
  },
);
