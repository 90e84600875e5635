import type { ApolloServerPlugin } from '@apollo/server';
import { isUpstreamError } from '../../errors';
import type { RequestLogger } from '../../logger';
import { isInternalError, rootCause } from '../format-error';

/** What the plugin needs of the request context: its logger, which carries the request id. */
interface LoggingContext {
  readonly logger: RequestLogger;
  readonly requestId: string;
}

/** Name and message only: stacks and upstream details stay out of the logs too. */
export function describeError(error: unknown): { type?: string; message: string } {
  return error instanceof Error ? { type: error.name, message: error.message } : { message: String(error) };
}

/**
 * Logs every error a caller is shown as INTERNAL_SERVER_ERROR (with the request id, so a report
 * from a caller can be found), and upstream failures as warnings. Requests Apollo itself could not
 * process (which it answers "Internal server error") are logged too.
 */
export function errorLoggingPlugin<TContext extends LoggingContext>(
  fallback: Pick<RequestLogger, 'error'>,
): ApolloServerPlugin<TContext> {
  return {
    async unexpectedErrorProcessingRequest({ requestContext, error }) {
      const logger = requestContext.contextValue?.logger ?? fallback;
      logger.error(
        { error: describeError(error), requestId: requestContext.contextValue?.requestId },
        'internal error: Apollo could not process a GraphQL request',
      );
    },
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          for (const error of errors) {
            const cause = rootCause(error);
            const path = error.path?.join('.');
            if (isInternalError(error)) {
              contextValue.logger.error(
                { error: describeError(cause), path },
                'internal error while executing a GraphQL request',
              );
            } else if (isUpstreamError(cause)) {
              contextValue.logger.warn(
                { upstream: cause.upstream, kind: cause.kind, code: cause.code, path },
                'upstream call failed',
              );
            }
          }
        },
      };
    },
  };
}
