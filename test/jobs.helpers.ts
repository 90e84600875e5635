import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type ExecutionResult } from 'graphql';
import { createClient } from 'graphql-ws';
import { Client } from 'pg';
import { WebSocket } from 'ws';
import { bkFetch } from './helpers/sandbox';
import { TEST_DATABASE_URL } from './helpers/server';

/** What the jobs tests share: the sandbox's own records, a graphql-ws client, the store's rows. */

/** A job instance as JOB records it (`GET /_sandbox/job/instances/{id}`). */
export interface SandboxInstance {
  job_instance_id: number;
  bk_biz_id: number;
  name: string;
  status: number;
  finished: boolean;
  callback_url: string | null;
  callback: { state: string; attempts: { content_type: string; status: number }[] } | null;
  steps: {
    step_instance_id: number;
    name: string;
    type: number;
    status: number;
    hosts: { bk_host_id: number; ip: string; status: number; exit_code: number }[];
  }[];
}

export async function sandboxInstance(sandboxUrl: string, id: string): Promise<SandboxInstance> {
  const res = await fetch(`${sandboxUrl}/_sandbox/job/instances/${id}`);
  if (!res.ok) throw new Error(`sandbox has no job instance ${id}: ${res.status}`);
  return (await res.json()) as SandboxInstance;
}

export async function sandboxExecutions(
  sandboxUrl: string,
): Promise<{ execute_job_plan: number; fast_execute_script: number; instances: number[] }> {
  const res = await fetch(`${sandboxUrl}/_sandbox/job/executions`);
  return (await res.json()) as { execute_job_plan: number; fast_execute_script: number; instances: number[] };
}

export async function sandboxControl(sandboxUrl: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${sandboxUrl}/_sandbox${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`sandbox ${path} answered ${res.status}`);
}

/** Resolves once `check` answers something other than undefined, polling every `everyMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  { timeoutMs = 15_000, everyMs = 50 } = {},
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`not so within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The sandbox's own JOB API as admin (APIGW), to start jobs bk-graph knows nothing of. */
export async function sandboxFastExecute(
  sandboxUrl: string,
  body: Record<string, unknown>,
): Promise<{ job_instance_id: number; step_instance_id: number }> {
  const res = await bkFetch(sandboxUrl, '/api/bk-job/prod/api/v3/fast_execute_script', { body });
  if (res.json?.result !== true) throw new Error(`sandbox fast_execute_script: ${res.text.slice(0, 200)}`);
  return res.json.data as { job_instance_id: number; step_instance_id: number };
}

/** The hosts of a business in bk_host_id order, as CMDB lists them (every page). */
export async function businessHosts(
  sandboxUrl: string,
  bizId: number,
): Promise<{ bk_host_id: number; bk_host_innerip: string }[]> {
  const hosts: { bk_host_id: number; bk_host_innerip: string }[] = [];
  for (let start = 0; ; start += 500) {
    const res = await bkFetch(sandboxUrl, `/api/bk-cmdb/prod/api/v3/hosts/app/${bizId}/list_hosts_topo`, {
      body: { bk_biz_id: bizId, fields: ['bk_host_id', 'bk_host_innerip'], page: { start, limit: 500 } },
    });
    const data = res.json.data as {
      count: number;
      info: { host: { bk_host_id: number; bk_host_innerip: string } }[];
    };
    hosts.push(...data.info.map((i) => i.host));
    if (start + 500 >= data.count) return hosts;
  }
}

export interface Subscription<T> {
  /** Every `next` payload so far. */
  readonly events: ExecutionResult<T>[];
  /** Resolves when the server completes the subscription (rejects on a socket error). */
  readonly done: Promise<void>;
  close(): Promise<void>;
}

/** A graphql-ws subscription against bk-graph's /graphql, with `ws` as the WebSocket. */
export function subscribe<T, V extends Record<string, unknown>>(
  baseUrl: string,
  doc: TypedDocumentNode<T, V>,
  variables: V,
  connectionParams: Record<string, string> = {},
): Subscription<T> {
  const client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
  });
  const events: ExecutionResult<T>[] = [];
  const done = new Promise<void>((resolve, reject) => {
    client.subscribe<T>(
      { query: print(doc), variables },
      {
        next: (value) => void events.push(value as ExecutionResult<T>),
        error: (error) => reject(error instanceof Error ? error : new Error(JSON.stringify(error))),
        complete: () => resolve(),
      },
    );
  });
  done.catch(() => undefined);
  return {
    events,
    done,
    close: () => client.dispose() as Promise<void>,
  };
}

/** Runs one SQL query against the test server's own schema of the test database. */
export async function storeQuery<R>(schema: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`SET search_path TO "${schema}"`);
    return (await client.query(text, values)).rows as R[];
  } finally {
    await client.end();
  }
}
