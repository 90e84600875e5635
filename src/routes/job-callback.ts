import type { FastifyError, FastifyInstance } from 'fastify';
import type { JobCallbackHandler } from '../services/jobs';
import { MAX_CALLBACK_BODY_BYTES } from '../store';

export { createJobCallbackHandler } from '../services/jobs';
export type {
  JobCallbackDeps,
  JobCallbackHandler,
  JobCallbackRequest,
  JobCallbackResponse,
} from '../services/jobs';

/**
 * `POST /callbacks/job` (CONTRACTS.md §4.6): JOB's callback, JSON or form-encoded, at most
 * 64 KiB. The body reaches the handler as text whatever its content type — JOB's retry sends
 * JSON text labelled as a form — so this route keeps parsers of its own, apart from the app's.
 * What to answer is the handler's business (services/jobs/callback.ts).
 */
export function registerJobCallbackRoute(app: FastifyInstance, handler: JobCallbackHandler): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      '*',
      { parseAs: 'string', bodyLimit: MAX_CALLBACK_BODY_BYTES },
      (_req, body, done) => done(null, body),
    );
    scope.setErrorHandler((error: FastifyError, _request, reply) => {
      const status = error.statusCode === 413 ? 413 : (error.statusCode ?? 500) < 500 ? 400 : 500;
      const message = status === 413 ? 'the callback body is too large' : 'the callback could not be read';
      return reply.code(status).send({ result: false, code: status, message });
    });
    scope.post('/callbacks/job', async (request, reply) => {
      const answer = await handler({
        contentType: request.headers['content-type'] ?? null,
        body: typeof request.body === 'string' ? request.body : '',
        query: (request.query ?? {}) as Record<string, unknown>,
      });
      return reply.code(answer.status).header('cache-control', 'no-store').send(answer.body);
    });
  });
}
