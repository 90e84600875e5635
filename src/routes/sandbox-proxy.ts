import type { FastifyInstance, FastifyRequest } from 'fastify';
import { request } from 'undici';

/** Hop-by-hop and framing headers that must not be copied between the two connections. */
const SKIPPED_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'host',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
]);

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function forwardable(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || SKIPPED_HEADERS.has(name.toLowerCase())) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/**
 * In sandbox mode, `/_sandbox/*` (stats, reset, faults, approve/reject) is passed through to the
 * in-process sandbox: method, body, status and content type as they are. Like the sandbox's own
 * control endpoints, it answers loopback callers only.
 */
export async function registerSandboxProxy(app: FastifyInstance, sandboxUrl: string): Promise<void> {
  await app.register(async (scope) => {
    // Bodies are forwarded byte for byte, whatever their type.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    const proxy = async (req: FastifyRequest) => {
      const target = new URL(req.url, sandboxUrl);
      const body = Buffer.isBuffer(req.body) && req.method === 'POST' ? req.body : undefined;
      return request(target, {
        method: req.method === 'POST' ? 'POST' : 'GET',
        headers: { ...forwardable(req.headers), 'x-request-id': req.id },
        ...(body ? { body } : {}),
      });
    };

    scope.route({
      method: ['GET', 'POST'],
      url: '/_sandbox/*',
      handler: async (req, reply) => {
        if (!LOOPBACK.has(req.ip)) return reply.code(403).send({ error: 'sandbox control is loopback only' });
        let answer: Awaited<ReturnType<typeof proxy>>;
        try {
          answer = await proxy(req);
        } catch {
          return reply.code(502).send({ error: 'the sandbox did not answer' });
        }
        const body = Buffer.from(await answer.body.arrayBuffer());
        const headers = forwardable(answer.headers);
        return reply.code(answer.statusCode).headers(headers).send(body);
      },
    });
  });
}
