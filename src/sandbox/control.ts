import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError, parseJsonObject, readBody } from './body';
import type { Reply } from './envelope';
import { jsonReply } from './envelope';
import { FAULTS_HELP, parseFaults } from './faults';
import type { FaultSettings } from './faults';
import type { ControlRouter } from './router';
import { SbBizError, SbRawReply } from './types';

/**
 * `/_sandbox/*`: stats, the request journal, reset, faults and the modules' own control routes.
 * Loopback clients only, JSON in and out, and every bad input is a 400 that says what was wrong.
 */
export interface ControlDeps {
  stats(): unknown;
  /** The API calls received since the last reset (see journal.ts). */
  requests(): unknown;
  resetCounters(): void;
  resetData(): void;
  getFaults(): FaultSettings;
  setFaults(f: FaultSettings): void;
  routes: ControlRouter;
}

const CONTROL_BODY_LIMIT = 1024 * 1024;

export function isLoopback(address: string | undefined): boolean {
  return (
    address === '127.0.0.1' ||
    address === '::1' ||
    address === '::ffff:127.0.0.1' ||
    (address?.startsWith('127.') ?? false)
  );
}

const bad = (message: string, status = 400): Reply => jsonReply(status, { error: message });

export async function handleControl(req: IncomingMessage, url: URL, deps: ControlDeps): Promise<Reply> {
  if (!isLoopback(req.socket.remoteAddress))
    return bad('control endpoints answer loopback clients only', 403);
  const method = req.method ?? 'GET';
  let raw: Buffer;
  try {
    raw = await readBody(req, CONTROL_BODY_LIMIT);
  } catch (err) {
    return err instanceof BodyTooLargeError
      ? bad(`body larger than ${CONTROL_BODY_LIMIT} bytes`, 413)
      : bad('could not read the body');
  }
  const parsed = parseJsonObject(raw);
  if (!parsed.ok) return bad('body must be a JSON object');
  const body = parsed.value;
  const path = url.pathname.replace(/^\/_sandbox/, '') || '/';

  if (path === '/stats' && method === 'GET') return jsonReply(200, deps.stats());
  if (path === '/requests' && method === 'GET') return jsonReply(200, deps.requests());
  if (path === '/reset' && method === 'POST') {
    const flag = url.searchParams.get('data');
    if (flag !== null && !['0', '1', 'true', 'false'].includes(flag))
      return bad('data must be 1, 0, true or false');
    const withData = flag === '1' || flag === 'true';
    deps.resetCounters();
    if (withData) deps.resetData();
    return jsonReply(200, { reset: true, data: withData });
  }
  if (path === '/faults' && method === 'GET')
    return jsonReply(200, { faults: deps.getFaults(), help: FAULTS_HELP });
  if (path === '/faults' && method === 'POST') {
    const result = parseFaults(body);
    if (!result.ok) return bad(result.problems.join('; '));
    deps.setFaults(result.value);
    return jsonReply(200, { faults: result.value });
  }

  const match = deps.routes.match(method, path);
  if (!match) return bad(`no control endpoint ${method} /_sandbox${path}`, 404);
  try {
    const reply = await match.route.handler(match.params, body);
    return jsonReply(reply.status, reply.body, reply.headers);
  } catch (err) {
    if (err instanceof SbBizError) return bad(err.message, err.extra.httpStatus ?? 400);
    if (err instanceof SbRawReply) return jsonReply(err.status, err.body, err.headers);
    process.stderr.write(`sandbox: control route ${method} ${path} failed: ${String(err)}\n`);
    return bad('internal error in control route', 500);
  }
}
