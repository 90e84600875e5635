import type { FastifyError, FastifyInstance } from 'fastify';
import type { ItsmCallbackHandler } from '../services/tickets';
import { MAX_CALLBACK_BODY_BYTES } from '../store';

export { createItsmCallbackHandler } from '../services/tickets';
export type {
  ItsmCallbackHandler,
  ItsmCallbackHandlerOptions,
  ItsmCallbackRequest,
  ItsmCallbackResponse,
} from '../services/tickets';

/**
 * `POST /callbacks/itsm` (CONTRACTS.md §7.10). The body reaches the handler as text whatever its
 * content type (the handler judges the type, and keeps the raw text in the inbox), so this route
 * keeps parsers of its own, apart from the app's; over 64 KiB it is refused with 413 before it is
 * read to the end. What to answer is the handler's business (services/tickets/callback-handler.ts);
 * ITSM only looks at the status and `code`.
 */
export function registerItsmCallbackRoute(app: FastifyInstance, handler: ItsmCallbackHandler): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'string', bodyLimit: MAX_CALLBACK_BODY_BYTES },
      (_req, body, done) => done(null, body),
    );
    scope.setErrorHandler((error: FastifyError, _req, reply) => {
      const status = error.statusCode === 413 ? 413 : (error.statusCode ?? 500) < 500 ? 400 : 500;
      const message =
        status === 413 ? 'body over 64 KiB' : status === 400 ? 'unreadable request' : 'internal error';
      return reply.code(status).send({ result: false, code: status, message });
    });
    scope.post('/callbacks/itsm', async (req, reply) => {
      const answer = await handler({
        contentType: req.headers['content-type'],
        body: typeof req.body === 'string' ? req.body : '',
      });
      return reply.code(answer.status).header('cache-control', 'no-store').send(answer.body);
    });
  });
}
