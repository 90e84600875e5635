import type { Credentials } from '../../src/upstream/credentials';
import { loadConfig, pointAtSandbox } from '../../src/config';
import { createClients } from '../../src/upstream/clients';
import type { Clients } from '../../src/upstream/clients';
import { createUpstreamCaller } from '../../src/upstream/http/caller';
import type { UpstreamHttpCaller } from '../../src/upstream/http/caller';
import type { CallContext } from '../../src/upstream/types';
import type { SandboxOptions } from '../../src/sandbox/types';
import { startTestSandbox } from '../helpers/sandbox';
import type { TestSandbox } from '../helpers/sandbox';

export type TransportName = 'apigw' | 'esb';
export const TRANSPORTS: TransportName[] = ['apigw', 'esb'];

export interface ClientsHarness {
  sandbox: TestSandbox;
  /** Clients over a real HTTP caller pointed at the sandbox, one set per transport / GSE version. */
  clients(transport: TransportName, gseVersion?: 1 | 2): Clients;
  /** Clients whose caller retries as in production (reads up to 3 attempts). */
  retryingClients(transport: TransportName): Clients;
  close(): Promise<void>;
}

let requestSeq = 0;

/** A call context as the GraphQL layer builds it (admin unless told otherwise). */
export function ctxOf(credentials: Credentials = { kind: 'bk_token', bkToken: 'token-admin' }): CallContext {
  requestSeq += 1;
  return { credentials, requestId: `clients-test-${requestSeq}`, deadline: Date.now() + 20_000 };
}

export const asUser = (name: 'admin' | 'alice' | 'bob'): CallContext =>
  ctxOf({ kind: 'bk_token', bkToken: `token-${name}` });

export async function startClientsHarness(
  sandboxOptions: Partial<SandboxOptions> = {},
): Promise<ClientsHarness> {
  const sandbox = await startTestSandbox(sandboxOptions);
  const callers: UpstreamHttpCaller[] = [];
  const cache = new Map<string, Clients>();
  return {
    sandbox,
    clients(transport, gseVersion = 2) {
      return build(transport, gseVersion, false);
    },
    retryingClients(transport) {
      return build(transport, 2, true);
    },
    async close() {
      await Promise.all(callers.map((c) => c.close()));
      await sandbox.close();
    },
  };

  function build(transport: TransportName, gseVersion: 1 | 2, retries: boolean): Clients {
    const key = `${transport}/${gseVersion}/${retries}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const config = pointAtSandbox(
      loadConfig({ BK_SANDBOX: '1', BK_TRANSPORT: transport, BK_GSE_VERSION: String(gseVersion) }),
      sandbox.url,
    );
    // Without retries an error surfaces on its first answer, which is what mapping tests check.
    const caller = createUpstreamCaller({
      config: config.upstream,
      retry: retries ? { baseDelayMs: 10, maxDelayMs: 50 } : { maxAttempts: 1 },
    });
    callers.push(caller);
    const clients = createClients(caller, config);
    cache.set(key, clients);
    return clients;
  }
}
