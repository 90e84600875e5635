import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { MAX_CALLBACK_BODY_BYTES } from '../store';

/** What a callback handler answers: its status and JSON body. */
export interface RouteAnswer {
  status: number;
  body: unknown;
}

/**
 * `POST <path>` in a scope of its own whose body reaches `handle` as text whatever its content
 * type (BlueKing's callbacks label their bodies loosely, and the inboxes keep the raw text), at
 * most 64 KiB (413 before it is read to the end). A body Fastify cannot read is 400; the JSON
 * error shape is BlueKing's (`result`, `code`, `message`), worded per route by `message`.
 */
export function registerTextBodyRoute(
  app: FastifyInstance,
  path: string,
  message: (status: 400 | 413 | 500) => string,
  handle: (request: FastifyRequest, body: string) => Promise<RouteAnswer>,
): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'string', bodyLimit: MAX_CALLBACK_BODY_BYTES },
      (_req, body, done) => done(null, body),
    );
    scope.setErrorHandler((error: FastifyError, _req, reply) => {
      const status = error.statusCode === 413 ? 413 : (error.statusCode ?? 500) < 500 ? 400 : 500;
      return reply.code(status).send({ result: false, code: status, message: message(status) });
    });
    scope.post(path, async (request, reply) => {
      const answer = await handle(request, typeof request.body === 'string' ? request.body : '');
      return reply.code(answer.status).header('cache-control', 'no-store').send(answer.body);
    });
  });
}
