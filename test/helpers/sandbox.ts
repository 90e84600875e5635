import { startSandbox } from '../../src/sandbox/server';
import type { SandboxOptions } from '../../src/sandbox/types';

/** Test defaults: small world, fast jobs, short long-polls, fixed seed. */
export const TEST_SANDBOX_DEFAULTS: SandboxOptions = {
  hosts: 200,
  jobMs: 50,
  watchTimeoutMs: 400,
  seed: 7,
  appCode: 'bk-graph',
  appSecret: 'sandbox-secret',
};

export interface TestSandbox {
  url: string;
  appCode: string;
  appSecret: string;
  close(): Promise<void>;
  stats(): Promise<{ calls: Record<string, number>; total: number }>;
  reset(data?: boolean): Promise<void>;
  faults(f: Record<string, unknown>): Promise<void>;
}

async function control(url: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${url}/_sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json: unknown = await res.json();
  if (!res.ok)
    throw new Error(`sandbox control ${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

/** Starts a real sandbox on an ephemeral loopback port; everything goes over HTTP. */
export async function startTestSandbox(overrides: Partial<SandboxOptions> = {}): Promise<TestSandbox> {
  const options = { ...TEST_SANDBOX_DEFAULTS, ...overrides };
  const sandbox = await startSandbox(options);
  return {
    url: sandbox.url,
    appCode: options.appCode,
    appSecret: options.appSecret,
    close: () => sandbox.close(),
    stats: async () =>
      (await control(sandbox.url, 'GET', '/stats')) as { calls: Record<string, number>; total: number },
    reset: async (data = false) => {
      await control(sandbox.url, 'POST', data ? '/reset?data=1' : '/reset');
    },
    faults: async (f) => {
      await control(sandbox.url, 'POST', '/faults', f);
    },
  };
}

export interface BkAuth {
  appCode?: string;
  appSecret?: string;
  bkToken?: string;
  accessToken?: string;
  username?: string;
}

export interface BkFetchOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** apigw: auth in X-Bkapi-Authorization; esb: auth fields in the query (GET) or body (POST). */
  transport?: 'apigw' | 'esb';
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean>;
  body?: unknown;
  /**
   * Omitted: the sandbox app acting as admin (token-admin). Given: the sandbox app code/secret plus
   * exactly the user fields given (set a field to undefined to leave it out). null: no auth at all.
   */
  auth?: BkAuth | null;
  signal?: AbortSignal;
}

export interface BkResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests poke at arbitrary JSON
}

const DEFAULT_APP: BkAuth = { appCode: 'bk-graph', appSecret: 'sandbox-secret' };

function authFields(auth: BkAuth): Record<string, string> {
  const out: Record<string, string> = {};
  if (auth.appCode !== undefined) out.bk_app_code = auth.appCode;
  if (auth.appSecret !== undefined) out.bk_app_secret = auth.appSecret;
  if (auth.bkToken !== undefined) out.bk_token = auth.bkToken;
  if (auth.accessToken !== undefined) out.access_token = auth.accessToken;
  if (auth.username !== undefined) out.bk_username = auth.username;
  return out;
}

/** One call to the sandbox the way a BlueKing client makes it. */
export async function bkFetch(url: string, path: string, opts: BkFetchOptions = {}): Promise<BkResponse> {
  const method = opts.method ?? (opts.body === undefined ? 'GET' : 'POST');
  const transport = opts.transport ?? (path.startsWith('/api/c/compapi/') ? 'esb' : 'apigw');
  const auth =
    opts.auth === null ? null : authFields({ ...DEFAULT_APP, ...(opts.auth ?? { bkToken: 'token-admin' }) });
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(opts.query ?? {})) query.set(k, String(v));
  let body = opts.body;
  if (auth && transport === 'apigw') headers['X-Bkapi-Authorization'] = JSON.stringify(auth);
  if (auth && transport === 'esb') {
    if (method === 'GET') for (const [k, v] of Object.entries(auth)) query.set(k, v);
    else body = { ...auth, ...((body as Record<string, unknown> | undefined) ?? {}) };
  }
  let payload: string | undefined;
  if (typeof body === 'string') payload = body;
  else if (body !== undefined) payload = JSON.stringify(body);
  if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  const qs = query.toString();
  const res = await fetch(`${url}${path}${qs ? (path.includes('?') ? '&' : '?') + qs : ''}`, {
    method,
    headers,
    body: payload,
    signal: opts.signal,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
