import type { FastifyInstance } from 'fastify';
import type { JobCallbackHandler } from '../services/jobs';
import { registerTextBodyRoute } from './text-body-route';

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
  registerTextBodyRoute(
    app,
    '/callbacks/job',
    (status) => (status === 413 ? 'the callback body is too large' : 'the callback could not be read'),
    (request, body) =>
      handler({
        contentType: request.headers['content-type'] ?? null,
        body,
        query: (request.query ?? {}) as Record<string, unknown>,
      }),
  );
}
