import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Logger } from '../logger';

/** Incoming X-Request-Id values are echoed and logged, so only plain short tokens are taken. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * The HTTP server every route hangs off: request ids (taken from X-Request-Id when sane, echoed
 * back), one log line per request without headers or query strings (they can hold tokens), and a
 * 1 MiB body limit (routes with their own, smaller limits set them).
 */
export function createHttpApp(logger: Logger): FastifyInstance {
  const app = Fastify({
    // pino's Logger is Fastify's logger; the cast keeps FastifyInstance at its default generics.
    loggerInstance: logger as FastifyBaseLogger,
    genReqId: requestIdOf,
    requestIdHeader: false,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'reqId' }),
    bodyLimit: 1024 * 1024,
    // On close, idle keep-alive connections (a BlueKing callback's, say) are ended instead of
    // holding the shutdown until they time out; requests in flight are drained.
    forceCloseConnections: 'idle',
  });
  app.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });
  return app;
}
