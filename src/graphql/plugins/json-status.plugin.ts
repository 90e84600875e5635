import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ErrorCode, REQUEST_ERROR_CODES } from '../../errors';

/** Errors about the GraphQL document or its variables (a refused limit included), not about HTTP. */
const DOCUMENT_ERROR_CODES = new Set([...REQUEST_ERROR_CODES, ErrorCode.QUERY_TOO_COMPLEX]);

/**
 * GraphQL-over-HTTP: a client that accepts only `application/json` SHOULD get 200 for every
 * well-formed request, even when the document does not parse, validate or coerce its variables
 * (the errors are in the body). Apollo answers 400 there, which is right for
 * `application/graphql-response+json` only; this plugin restores 200 for `application/json`.
 */
export function jsonStatusPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response }) {
          if (response.http.status !== 400 || response.body.kind !== 'single') return;
          const accept = request.http?.headers.get('accept') ?? '';
          if (accept.includes('application/graphql-response+json')) return;
          const { errors, data } = response.body.singleResult;
          if (data !== undefined || !errors?.length) return;
          if (errors.every((e) => DOCUMENT_ERROR_CODES.has(String(e.extensions?.code))))
            response.http.status = 200;
        },
      };
    },
  };
}
