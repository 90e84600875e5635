import type { FastifyInstance } from 'fastify';
import type { ItsmCallbackHandler } from '../services/tickets';
import { registerTextBodyRoute } from './text-body-route';

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
  registerTextBodyRoute(
    app,
    '/callbacks/itsm',
    (status) =>
      status === 413 ? 'body over 64 KiB' : status === 400 ? 'unreadable request' : 'internal error',
    (request, body) => handler({ contentType: request.headers['content-type'], body }),
  );
}
