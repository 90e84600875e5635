import http from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { UpstreamConfig } from '../../src/config';
import type { System, Transport } from '../../src/upstream/limits';
import type { ApiSpec } from '../../src/upstream/types';

/**
 * A tiny BlueKing stand-in over real HTTP: each request takes the next scripted reply (or the
 * default one) and is recorded, so tests can check exactly what went on the wire.
 */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Reply =
  | {
      status?: number;
      headers?: Record<string, string>;
      json?: unknown;
      raw?: string;
      delayMs?: number;
      /** Sent in two chunks without content-length (chunked transfer encoding), cut mid-character. */
      chunked?: boolean;
    }
  | 'hang'
  | 'reset';

export interface FakeUpstream {
  url: string;
  requests: RecordedRequest[];
  /** Most requests that were being answered at the same time. */
  maxConcurrent(): number;
  /** Queues replies for the next requests, in order. */
  reply(...replies: Reply[]): void;
  /** Reply used when the queue is empty. */
  setDefault(reply: Reply): void;
  /** Forgets recorded requests and queued replies; the default reply becomes a plain success. */
  clear(): void;
  close(): Promise<void>;
}

export const ok = (data: unknown): Reply => ({ json: { result: true, code: 0, message: 'success', data } });

/**
 * One fake upstream for a test file: started before its tests, cleared after each, closed at the
 * end together with every caller the file pushed to `callers`.
 */
export function useFakeUpstream(): {
  readonly upstream: FakeUpstream;
  callers: { close(): Promise<void> }[];
} {
  let upstream: FakeUpstream | undefined;
  const callers: { close(): Promise<void> }[] = [];
  beforeAll(async () => {
    upstream = await startFakeUpstream();
  });
  afterEach(() => upstream?.clear());
  afterAll(async () => {
    await Promise.all(callers.map((c) => c.close()));
    await upstream?.close();
  });
  return {
    get upstream() {
      if (!upstream) throw new Error('the fake upstream starts in beforeAll');
      return upstream;
    },
    callers,
  };
}

export async function startFakeUpstream(): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = [];
  const queue: Reply[] = [];
  let fallback: Reply = ok({});
  const sockets = new Set<Socket>();
  let active = 0;
  let maxActive = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const reply = queue.shift() ?? fallback;
      if (reply === 'hang') return;
      if (reply === 'reset') {
        req.socket.destroy();
        return;
      }
      const body = reply.raw ?? JSON.stringify(reply.json ?? {});
      active++;
      maxActive = Math.max(maxActive, active);
      setTimeout(() => {
        active--;
        res.writeHead(reply.status ?? 200, {
          'content-type': reply.raw !== undefined ? 'text/html' : 'application/json; charset=utf-8',
          ...reply.headers,
        });
        if (reply.chunked) {
          // Cut inside a multi-byte character when the body has one, as a TCP segment may.
          const bytes = Buffer.from(body);
          const half = Math.floor(bytes.length / 2);
          const lead = bytes.findIndex((b, i) => i >= half && b >= 0xc0);
          const cut = lead >= 0 ? lead + 1 : half;
          res.write(bytes.subarray(0, cut));
          res.end(bytes.subarray(cut));
        } else {
          res.end(body);
        }
      }, reply.delayMs ?? 0);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    maxConcurrent: () => maxActive,
    reply: (...replies) => queue.push(...replies),
    setDefault: (reply) => {
      fallback = reply;
    },
    clear: () => {
      requests.length = 0;
      queue.length = 0;
      maxActive = 0;
      fallback = ok({});
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function upstreamConfig(
  url: string,
  transport: Transport,
  overrides: Partial<UpstreamConfig> = {},
): UpstreamConfig {
  const systems: System[] = ['cmdb', 'job', 'gse', 'itsm', 'login', 'paas'];
  return {
    apiUrlTmpl: `${url}/api/{api_name}/`,
    stage: 'prod',
    componentApiUrl: url,
    transports: Object.fromEntries(systems.map((s) => [s, transport])) as Record<System, Transport>,
    gseVersion: 2,
    appCode: 'bk-graph',
    appSecret: 'sandbox-secret',
    tenantId: null,
    supplierAccount: '0',
    timeoutMs: 2000,
    requestDeadlineMs: 30_000,
    ...overrides,
  };
}

export const searchBusiness: ApiSpec = {
  system: 'cmdb',
  api: 'search_business',
  apigw: { gateway: 'bk-cmdb', method: 'POST', path: '/api/v3/biz/search/{bk_supplier_account}' },
  esb: { system: 'cc', name: 'search_business', method: 'POST' },
  idempotent: true,
  envelope: 'bk',
};

export const getUserInfo: ApiSpec = {
  system: 'login',
  api: 'get_bk_token_userinfo',
  apigw: { gateway: 'bk-login', method: 'GET', path: '/login/api/v3/open/bk-tokens/userinfo/' },
  esb: { system: 'bk_login', name: 'get_user', method: 'GET' },
  idempotent: true,
  envelope: 'bk',
};

export const getTicketStatus: ApiSpec = {
  system: 'itsm',
  api: 'get_ticket_status',
  apigw: { gateway: 'bk-itsm', method: 'GET', path: '/v2/itsm/get_ticket_status/' },
  esb: { system: 'itsm', name: 'get_ticket_status', method: 'GET' },
  idempotent: true,
  envelope: 'bk',
};

export const uniApps: ApiSpec = {
  system: 'paas',
  api: 'uni_apps_query_by_id',
  apigw: { gateway: 'bkpaas3', method: 'GET', path: '/prod/system/uni_applications/query/by_id/' },
  esb: { system: 'bk_paas', name: 'get_app_info', method: 'GET' },
  idempotent: true,
  envelope: 'bare',
};

export const executeJobPlan: ApiSpec = {
  system: 'job',
  api: 'execute_job_plan',
  apigw: { gateway: 'bk-job', method: 'POST', path: '/api/v3/execute_job_plan/' },
  esb: { system: 'jobv3', name: 'execute_job_plan', method: 'POST' },
  idempotent: false,
  envelope: 'bk',
};

export const adminCtx = {
  credentials: { kind: 'bk_token', bkToken: 'token-admin' },
  requestId: 'req-1',
} as const;
