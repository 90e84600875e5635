import type { SandboxConfig } from '../config';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { apiModules } from './apis/index';
import { BodyTooLargeError, parseJsonObject, readBody } from './body';
import { createContext } from './context';
import { handleControl } from './control';
import type { Reply } from './envelope';
import {
  bizErrorReply,
  esbError,
  gatewayError,
  invalidArgs,
  jsonReply,
  newApigwRequestId,
  newEsbRequestId,
  nginxError,
  parseError,
  successBody,
} from './envelope';
import { appliesTo, chooseFault, noFaults, RateLimiter } from './faults';
import type { FaultSettings } from './faults';
import { APIGW_REASONS, authenticate, ESB_FAILURES } from './gateway-auth';
import { randomStream } from './random';
import { ApiRouter, ControlRouter, pathParamNames } from './router';
import { RequestJournal } from './journal';
import { CallStats } from './stats';
import type { ApiDef, ApiModule, Sandbox, SandboxOptions, SbRequest, SbTransport } from './types';
import { SbBizError, SbRawReply } from './types';
import { watchLogFor } from './watch-log';

/**
 * The embedded BlueKing. Deliberately a bare `node:http` server, not a framework: fault injection
 * needs byte-level control (hang without answering, destroy the socket, send truncated JSON, stop
 * reading an oversized body), and the gateway's exact error bodies leave nothing for a framework
 * to do.
 */

const DEFAULT_MAX_BODY = 40 * 1024 * 1024;
/** How long a hung call waits before APIGW gives up on its backend (JOB's gateway timeout). */
const HANG_MS = 60_000;
const SANDBOX_TENANT = 'default';

const ESB_PATH = /^\/api\/c\/compapi\/v2\/([^/]+)\/(.+)$/;
const APIGW_PATH = /^\/api\/([^/]+)\/([^/]+)(\/.*)?$/;

interface Routed {
  transport: SbTransport;
  def: ApiDef;
  pathParams: Record<string, string>;
  requestId: string;
}

export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const opts: Readonly<SandboxOptions> = { maxBodyBytes: DEFAULT_MAX_BODY, ...options };
  const ctx = createContext(opts);
  const modules: ApiModule[] = apiModules.map((factory) => factory(ctx));
  const router = new ApiRouter(modules.flatMap((m) => m.apis));
  const controlRouter = new ControlRouter(modules.flatMap((m) => m.controlRoutes ?? []));
  const stats = new CallStats();
  const startedAt = performance.now();
  const sinceStart = (t: number) => Math.round((t - startedAt) * 100) / 100;
  const journal = new RequestJournal();
  const limiter = new RateLimiter();
  const faultRandom = randomStream(opts.seed, 'faults');
  let faults: FaultSettings = noFaults();

  const sockets = new Set<Socket>();
  const pending = new Set<() => void>();
  let closing = false;

  /** A delay that ends early when the sandbox closes or the client goes away. */
  /**
   * Waits until `deadline` (performance.now() ms). A timer may fire up to ~1 ms late; spinning on
   * setImmediate for precision was tried and rejected: on two cores it steals CPU from the very
   * process being measured.
   */
  const sleepUntil = async (deadline: number, res: ServerResponse): Promise<void> => {
    const remaining = deadline - performance.now();
    if (remaining > 0) await sleep(remaining, res);
  };
  const sleep = (ms: number, res: ServerResponse) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        pending.delete(done);
        res.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      pending.add(done);
      res.once('close', done);
    });

  /** Writes an encoded reply, unless the call was already answered or the client went away. */
  const write = (res: ServerResponse, ready: Encoded) => {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(ready.status, ready.headers);
    res.end(ready.body);
  };
  const send = (res: ServerResponse, reply: Reply, extra: Record<string, string> = {}) =>
    write(res, encode(reply, extra));

  const route = (method: string, pathname: string): Routed | Reply => {
    const esb = ESB_PATH.exec(pathname);
    if (esb) {
      const requestId = newEsbRequestId();
      const [, system = '', name = ''] = esb;
      const def = method === 'GET' || method === 'POST' ? router.matchEsb(system, name) : null;
      if (!def) {
        return esbError(
          1306404,
          `Not found, component [${system}.${name.replace(/\/+$/, '')}] does not exist`,
          requestId,
        );
      }
      return { transport: 'esb', def, pathParams: {}, requestId };
    }
    const requestId = newApigwRequestId();
    const gw = APIGW_PATH.exec(pathname);
    const match = gw ? router.matchApigw(gw[1] ?? '', method, gw[3] ?? '/') : null;
    if (!match) {
      const message = `API not found [method="${method}" path="${pathname}"]`;
      return gatewayError(404, 1640401, 'API_NOT_FOUND', message, { 'X-Bkapi-Request-ID': requestId });
    }
    return { transport: 'apigw', def: match.def, pathParams: match.pathParams, requestId };
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const arrivedAt = performance.now();
    const method = req.method ?? 'GET';
    const routed = route(method, url.pathname);
    if (!('def' in routed)) {
      req.resume();
      send(res, routed);
      return;
    }
    const { transport, def, requestId } = routed;
    const apiKey = `${def.system}.${def.api}`;
    const apigw = transport === 'apigw';
    const idHeader: Record<string, string> = apigw ? { 'X-Bkapi-Request-ID': requestId } : {};
    const reply = (r: Reply) => send(res, r, idHeader);
    stats.count(apiKey);

    let raw: Buffer;
    try {
      raw = await readBody(req, opts.maxBodyBytes ?? DEFAULT_MAX_BODY);
    } catch (err) {
      if (!(err instanceof BodyTooLargeError)) {
        req.socket.destroy();
        return;
      }
      // Stop reading: answer and close the connection instead of draining the upload.
      const r = apigw
        ? gatewayError(413, 1641301, 'BODY_SIZE_LIMIT_EXCEED', 'Request body size too large.')
        : nginxError(413);
      send(res, r, { ...idHeader, Connection: 'close' });
      res.on('finish', () => req.socket.destroy());
      return;
    }

    const entry = journal.record({
      api: apiKey,
      transport,
      method,
      path: url.pathname + url.search,
      body: raw.length > 0 ? raw.toString('utf8') : null,
      receivedMs: sinceStart(arrivedAt),
      answeredMs: null,
    });
    res.once('finish', () => (entry.answeredMs = sinceStart(performance.now())));
    const query = Object.fromEntries(url.searchParams);
    const parsed = method === 'POST' ? parseJsonObject(raw) : { ok: true as const, value: {} };
    const body: Record<string, unknown> = method === 'POST' ? (parsed.ok ? parsed.value : {}) : { ...query };

    const auth = authenticate(transport, def, { headers: req.headers, query, body }, opts, ctx.data.users);
    if (!auth.ok) {
      const f = ESB_FAILURES[auth.failure];
      reply(apigw ? invalidArgs(APIGW_REASONS[auth.failure]) : esbError(f.code, f.message, requestId));
      return;
    }
    const tenantHeader = req.headers['x-bk-tenant-id'];
    const tenantId = (Array.isArray(tenantHeader) ? tenantHeader[0] : tenantHeader) || SANDBOX_TENANT;
    if (apigw && tenantId !== SANDBOX_TENANT) {
      reply(
        gatewayError(
          403,
          1640302,
          'CROSS_TENANT_FORBIDDEN',
          `Cross tenant forbidden [reason="Cross-tenant calls are not allowed: app tenant is ${SANDBOX_TENANT}, header X-Bk-Tenant-Id is ${tenantId}"]`,
        ),
      );
      return;
    }

    let malformed = false;
    let delay = 0;
    if (appliesTo(faults, apiKey)) {
      // The gateway checks the app's resource grant before rate limiting (bk-permission runs
      // ahead of bk-rate-limit).
      if (faults.noPermissionNext > 0) {
        faults.noPermissionNext--;
        reply(
          apigw
            ? gatewayError(403, 1640301, 'APP_NO_PERMISSION', 'App has no permission to the resource')
            : esbError(
                1306403,
                `APP [${auth.appCode}] has no permission to access the component [${def.system}.${def.api}]`,
                requestId,
              ),
        );
        return;
      }
      if (faults.rateLimitPerSec > 0) {
        const over = limiter.take(auth.appCode, faults.rateLimitPerSec, Date.now());
        if (over) {
          const retryAfter = String(faults.retryAfterSeconds ?? over.resetSec);
          reply(
            apigw
              ? gatewayError(
                  429,
                  faults.rateLimitStrategy === 'stage' ? 1642902 : 1642903,
                  'RATE_LIMIT_RESTRICTION',
                  `API rate limit exceeded by ${faults.rateLimitStrategy} strategy`,
                  {
                    'X-Bkapi-RateLimit-Limit': String(over.limit),
                    'X-Bkapi-RateLimit-Remaining': String(over.remaining),
                    'X-Bkapi-RateLimit-Reset': String(over.resetSec),
                    'X-Bkapi-RateLimit-Plugin': 'bk-rate-limit',
                    'Retry-After': retryAfter,
                  },
                )
              : esbError(1306429, 'Access frequency limit', requestId),
          );
          return;
        }
      }
      delay = faults.latencyMs + (faults.jitterMs > 0 ? Math.floor(faultRandom() * faults.jitterMs) : 0);
      const action = chooseFault(faults, faultRandom);
      // Faults answer after the full delay; a normal answer is computed inside it (below).
      if (action !== 'none' && action !== 'malformed' && delay > 0) await sleep(delay, res);
      if (closing) return;
      if (action === 'reset') {
        req.socket.destroy();
        return;
      }
      if (action === 'hang') {
        await sleep(HANG_MS, res);
        if (closing || res.destroyed) return;
        reply(
          apigw
            ? gatewayError(
                504,
                1650401,
                'REQUEST_BACKEND_TIMEOUT',
                'Request backend service timeout [upstream_error="cannot read header from upstream"]',
              )
            : nginxError(504),
        );
        return;
      }
      if (action === 'error') {
        reply(apigw ? gatewayErrorFor(faults.errorStatus) : nginxError(faults.errorStatus));
        return;
      }
      malformed = action === 'malformed';
    }

    // Calls that arrive together must not queue behind each other's work: a real backend serves
    // them in parallel. Yielding once lets the event loop read the other calls already waiting on
    // their sockets (and take their arrival times) before this one computes its answer; otherwise
    // each call's CPU time would push back the next one's arrival and so its answer.
    await nextLoopTurn();
    if (closing) return;
    const envelopeInput = { envelope: def.envelope, transport, requestId };
    const afterAnswer: Array<() => void> = [];
    let out: Reply;
    if (method === 'POST' && !parsed.ok) {
      out = bizErrorReply(envelopeInput, parseError(def.system));
    } else {
      const pathParams = { ...routed.pathParams };
      if (!apigw) {
        // ESB has no path: the backend's path parameters come from the body (POST) or query (GET).
        for (const name of pathParamNames(def)) {
          const v = body[name] ?? query[name];
          if (typeof v === 'string' || typeof v === 'number') pathParams[name] = String(v);
        }
      }
      const sbReq: SbRequest = {
        transport,
        method: method === 'POST' ? 'POST' : 'GET',
        system: def.system,
        api: def.api,
        pathParams,
        query,
        body,
        user: auth.user,
        claimedUsername: auth.claimedUsername,
        appCode: auth.appCode,
        tenantId,
        requestId,
        headers: req.headers as Record<string, string | undefined>,
        afterAnswer: (fn) => afterAnswer.push(fn),
      };
      out = await runHandler(def, sbReq, envelopeInput);
    }
    if (malformed)
      out = { ...out, status: 200, body: out.body.slice(0, Math.max(1, Math.floor(out.body.length / 2))) };
    // Encoded before the wait, so that once it is over only the socket write is left.
    const ready = encode(out, idHeader);
    // `latencyMs` is the time a call takes from arrival to answer, its own work included, like a
    // backend with that response time: answers computed faster wait out the rest. (Sleeping first
    // and then working would add the sandbox's CPU time to every round trip it is meant to model.)
    await sleepUntil(arrivedAt + delay, res);
    if (closing) return;
    const answers = !res.headersSent && !res.destroyed;
    write(res, ready);
    if (answers) for (const fn of afterAnswer) fn();
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    const work =
      url.pathname === '/_sandbox' || url.pathname.startsWith('/_sandbox/')
        ? handleControl(req, url, {
            stats: () => stats.snapshot(),
            requests: () => journal.snapshot(),
            resetCounters: () => {
              stats.reset();
              journal.reset();
              limiter.clear();
              for (const m of modules) m.resetCounters?.();
            },
            resetData: () => {
              ctx.reseed();
              watchLogFor(ctx).expire();
              for (const m of modules) m.reset?.();
            },
            getFaults: () => faults,
            setFaults: (f) => {
              faults = f;
              limiter.clear();
            },
            routes: controlRouter,
          }).then((r) => send(res, r))
        : handleApi(req, res, url);
    work.catch((err: unknown) => {
      // Nothing a client sends may crash the process: log without the stack and answer 500.
      process.stderr.write(
        `sandbox: ${req.method} ${url.pathname} failed: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      send(res, gatewayError(500, 1650001, 'INTERNAL_SERVER_ERROR', 'Internal Server Error'));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const host = opts.host ?? '127.0.0.1';
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    async close() {
      if (closing) return;
      closing = true;
      ctx.clearTimers();
      watchLogFor(ctx).close();
      for (const done of [...pending]) done();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}

/** Resolves after the event loop's I/O phase: every socket that is ready gets read first. */
function nextLoopTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A reply as it goes on the wire: the body encoded once, its length in the headers. */
interface Encoded {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function encode(reply: Reply, extra: Record<string, string>): Encoded {
  const body = Buffer.from(reply.body, 'utf8');
  const headers = { ...reply.headers, ...extra, 'Content-Length': String(body.length) };
  return { status: reply.status, headers, body };
}

async function runHandler(
  def: ApiDef,
  req: SbRequest,
  envelopeInput: Parameters<typeof successBody>[0],
): Promise<Reply> {
  try {
    const result = await def.handler(req);
    if (result instanceof SbRawReply) return jsonReply(result.status, result.body, result.headers);
    return jsonReply(200, successBody(envelopeInput, result));
  } catch (err) {
    if (err instanceof SbBizError) return bizErrorReply(envelopeInput, err);
    if (err instanceof SbRawReply) return jsonReply(err.status, err.body, err.headers);
    process.stderr.write(
      `sandbox: ${def.system}.${def.api} handler failed: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return gatewayError(500, 1650001, 'INTERNAL_SERVER_ERROR', 'Internal Server Error');
  }
}

function gatewayErrorFor(status: number): Reply {
  switch (status) {
    case 500:
      return gatewayError(500, 1650001, 'INTERNAL_SERVER_ERROR', 'Internal Server Error');
    case 503:
      return gatewayError(503, 1650300, 'SERVICE_UNAVAILABLE', 'Service Unavailable');
    case 504:
      return gatewayError(
        504,
        1650401,
        'REQUEST_BACKEND_TIMEOUT',
        'Request backend service timeout [upstream_error="cannot read header from upstream"]',
      );
    default:
      return gatewayError(
        502,
        1650200,
        'BAD_GATEWAY',
        'Bad Gateway [upstream_error="cannot read header from upstream"]',
      );
  }
}

/** A sandbox sized, seeded and credentialed by the config, listening where `listen` says. */
export function startConfiguredSandbox(
  config: SandboxConfig,
  listen: { host: string; port: number },
): Promise<Sandbox> {
  return startSandbox({
    seed: config.seed,
    hosts: config.hosts,
    ...(config.businesses !== undefined ? { businesses: config.businesses } : {}),
    jobMs: config.jobMs,
    watchTimeoutMs: config.watchTimeoutMs,
    appCode: config.appCode,
    appSecret: config.appSecret,
    ...listen,
  });
}

/** The sandbox of sandbox mode: in-process, on a free loopback port. */
export function startEmbeddedSandbox(config: SandboxConfig): Promise<Sandbox> {
  return startConfiguredSandbox(config, { host: '127.0.0.1', port: 0 });
}
