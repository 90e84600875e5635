import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { QueryLimitsConfig } from '../../config';
import { BadRequestError, BadUserInputError, QueryTooComplexError } from '../../errors';
import type { BkGraphError } from '../../errors';
import { operationCost } from '../cost';

/** Errors raised here refuse the whole request: HTTP 400, as for a document that does not validate. */
function refused<E extends BkGraphError>(error: E): E {
  Object.assign(error.extensions as Record<string, unknown>, { http: { status: 400 } });
  return error;
}

/**
 * Checks the resolved operation before it runs:
 * - its operation type exists in the schema (graphql-js 16 only finds out while executing, and
 *   answers without a code);
 * - subscriptions arrive over WebSocket, not HTTP;
 * - its variables fit it (graphql-js's own message, as BAD_USER_INPUT naming the variable);
 * - its cost is within `limits.cost` (QUERY_TOO_COMPLEX with the cost and the budget).
 * Nothing upstream has been called at this point.
 */
export function operationGuardPlugin<TContext extends BaseContext>(
  limits: Pick<QueryLimitsConfig, 'cost'>,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          // Apollo resolves the operation before this hook and answers itself when there is none.
          if (!operation) return;
          const kind = operation.operation;
          const root =
            kind === 'query'
              ? schema.getQueryType()
              : kind === 'mutation'
                ? schema.getMutationType()
                : schema.getSubscriptionType();
          if (!root) throw refused(new BadRequestError(`this API has no ${kind} operations`));
          if (kind === 'subscription')
            throw refused(
              new BadRequestError(
                'subscriptions are served over WebSocket (the graphql-ws protocol) at /graphql, not over HTTP',
              ),
            );
          if (limits.cost === 0) return;
          let cost: number;
          try {
            cost = operationCost(schema, document, operation, request.variables ?? {});
          } catch (error) {
            if (error instanceof GraphQLError) {
              const name = /^Variable "\$([^"]+)"/.exec(error.message)?.[1];
              throw refused(new BadUserInputError(error.message, name ? `$${name}` : undefined));
            }
            throw error;
          }
          if (cost > limits.cost)
            throw refused(
              new QueryTooComplexError(
                `the query would cost ${cost}, over the budget of ${limits.cost}: ask for fewer items (first) or fewer nested lists`,
                { limit: 'cost', max: limits.cost, found: cost },
              ),
            );
        },
      };
    },
  };
}
