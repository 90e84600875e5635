import { randomBytes } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { Client } from 'pg';
import type { ExecutionResult } from 'graphql';
import { loadConfig, pointAtSandbox } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startEmbeddedSandbox } from '../../src/sandbox/server';
import type { Sandbox } from '../../src/sandbox/types';
import { createServer } from '../../src/server';

/** A small, fast sandbox: enough data to page through, short JOB steps and watch polls. */
export const TEST_SANDBOX_ENV: Record<string, string> = {
  SANDBOX_HOSTS: '200',
  SANDBOX_JOB_MS: '50',
  SANDBOX_WATCH_TIMEOUT_MS: '400',
};

/**
 * Upstream calls a server makes in the background whatever the requests: the cache watcher's
 * CMDB long polls, the ITSM reconcile loop's rounds and the job poller's app-mode status reads.
 */
export const BACKGROUND_APIS: ReadonlySet<string> = new Set([
  'cmdb.resource_watch',
  'itsm.callback_failed_ticket',
  'itsm.ticket_approval_result',
  'job.system.get_job_instance_status',
]);

/** The calls of a `/_sandbox/stats` answer that requests made (background loops left out). */
export function foregroundCalls(calls: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(calls).filter(([api]) => !BACKGROUND_APIS.has(api)));
}

/** The PostgreSQL tests use (README: the tests need it running): CI sets DATABASE_URL. */
export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A schema name of its own, so test servers sharing the database never see each other's rows. */
export function testSchema(prefix = 't_srv'): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

export interface GraphQLResponse<TData> {
  status: number;
  headers: Headers;
  body: ExecutionResult<TData> & {
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  };
}

export interface TestServer {
  /** bk-graph's base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** The sandbox's base URL (in-process or the external one given). */
  readonly sandboxUrl: string;
  graphql<TData = Record<string, unknown>, TVars = Record<string, unknown>>(
    doc: TypedDocumentNode<TData, TVars> | string,
    variables?: TVars,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<TData>>;
  /** The sandbox's call counters (`GET /_sandbox/stats`). */
  stats(): Promise<{ calls: Record<string, number>; total: number }>;
  resetStats(): Promise<void>;
  /** Sets sandbox faults (`POST /_sandbox/faults`); `{}` clears them. */
  faults(settings: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /**
   * Run bk-graph as against a real BlueKing (not sandbox mode) pointed at this sandbox: APIGW and
   * ESB roots, app code and secret are set from it. Requests then need credentials.
   */
  externalSandboxUrl?: string;
}

async function sandboxJson(sandboxUrl: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(new URL(path, sandboxUrl), {
    method: body === undefined ? 'GET' : 'POST',
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`sandbox ${path} answered HTTP ${res.status}`);
  return res.json();
}

/**
 * Starts bk-graph on an ephemeral loopback port through `createServer`, in sandbox mode with its
 * own small sandbox, or configured like a real install against `externalSandboxUrl`.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  options: TestServerOptions = {},
): Promise<TestServer> {
  const external = options.externalSandboxUrl?.replace(/\/+$/, '');
  const baseEnv: Record<string, string> = {
    ...TEST_SANDBOX_ENV,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    ...(external
      ? {
          BK_API_URL_TMPL: `${external}/api/{api_name}/`,
          BK_COMPONENT_API_URL: external,
          BK_APP_CODE: 'bk-graph',
          BK_APP_SECRET: 'sandbox-secret',
        }
      : {}),
    ...env,
  };
  // Each server has a store of its own (a fresh schema of the test database) unless the caller
  // names one (two servers sharing a store, as two replicas do) or asks for PGlite (DATA_DIR).
  const ownSchema = !env.DATABASE_SCHEMA && !env.DATA_DIR ? testSchema() : null;
  if (!env.DATA_DIR) {
    baseEnv.DATABASE_URL ??= TEST_DATABASE_URL;
    if (ownSchema) baseEnv.DATABASE_SCHEMA = ownSchema;
  }
  let config = loadConfig(baseEnv);
  let sandbox: Sandbox | null = null;
  if (config.sandboxMode) {
    sandbox = await startEmbeddedSandbox(config.sandbox);
    config = pointAtSandbox(config, sandbox.url);
  }
  const sandboxUrl = sandbox?.url ?? external;
  if (!sandboxUrl) throw new Error('startTestServer: not in sandbox mode and no externalSandboxUrl given');

  let server: Awaited<ReturnType<typeof createServer>>;
  let url: string;
  try {
    server = await createServer(config, {
      logger: createLogger(config.logLevel),
      ...(sandbox ? { sandboxUrl: sandbox.url } : {}),
    });
    url = await server.listen();
  } catch (error) {
    // A failed start must not leave the sandbox listening (jest would never exit).
    await sandbox?.close();
    throw error;
  }

  return {
    url,
    sandboxUrl,
    async graphql<TData, TVars>(
      doc: TypedDocumentNode<TData, TVars> | string,
      variables?: TVars,
      headers: Record<string, string> = {},
    ): Promise<GraphQLResponse<TData>> {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json',
          ...headers,
        },
        body: JSON.stringify({ query: typeof doc === 'string' ? doc : print(doc), variables }),
      });
      return {
        status: res.status,
        headers: res.headers,
        body: (await res.json()) as GraphQLResponse<TData>['body'],
      };
    },
    stats: async () =>
      (await sandboxJson(sandboxUrl, '/_sandbox/stats')) as { calls: Record<string, number>; total: number },
    resetStats: async () => {
      await sandboxJson(sandboxUrl, '/_sandbox/reset', {});
    },
    faults: async (settings) => {
      await sandboxJson(sandboxUrl, '/_sandbox/faults', settings);
    },
    async close() {
      await server.close();
      await sandbox?.close();
      if (ownSchema && config.databaseUrl) await dropSchema(config.databaseUrl, ownSchema);
    },
  };
}

export interface SandboxBusiness {
  bk_biz_id: number;
  bk_biz_name: string;
  bk_biz_maintainer: string;
}

/**
 * Asks the sandbox's CMDB directly over APIGW (as BlueKing's own clients would), to check what
 * bk-graph answers against the source.
 */
export async function sandboxSearchBusiness(
  sandboxUrl: string,
  bkToken: string,
  page: { start: number; limit: number },
): Promise<{ count: number; info: SandboxBusiness[] }> {
  const res = await fetch(`${sandboxUrl}/api/bk-cmdb/prod/api/v3/biz/search/0`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-bkapi-authorization': JSON.stringify({
        bk_app_code: 'bk-graph',
        bk_app_secret: 'sandbox-secret',
        bk_token: bkToken,
      }),
    },
    body: JSON.stringify({
      fields: ['bk_biz_id', 'bk_biz_name', 'bk_biz_maintainer'],
      page: { ...page, sort: 'bk_biz_id' },
    }),
  });
  const body = (await res.json()) as { result?: boolean; data: { count: number; info: SandboxBusiness[] } };
  if (res.status !== 200 || body.result === false)
    throw new Error(`sandbox search_business failed: HTTP ${res.status}`);
  return body.data;
}
