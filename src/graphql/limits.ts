import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { GraphQLError, ValidationContext, ValidationRule } from 'graphql';
import type { QueryLimitsConfig } from '../config';
import { QueryTooComplexError } from '../errors';

/**
 * The limits every document passes before anything runs (issue: "no query takes bk-graph down").
 *
 * - Depth, aliases and directives are graphql-armor's validation rules. Armor throws its own
 *   uncoded error by default; here it reports a QueryTooComplexError instead (code
 *   QUERY_TOO_COMPLEX, with the limit, the maximum and what the document has), so a refused
 *   document reads like every other bk-graph error and validation goes on to report the others.
 * - Tokens are counted by graphql-js's own parser (`parseOptions.maxTokens`), which stops reading
 *   at the limit: armor's token plugin would parse every document a second time.
 * - Cost is computed once the operation and its variables are known (src/graphql/cost.ts, applied
 *   by the operation guard plugin), since `first` may come from a variable.
 * Armor's field-suggestion blocking stays off: the schema is introspectable anyway, and "did you
 * mean" helps the people exploring it in GraphiQL.
 */
export function queryLimitRules(limits: QueryLimitsConfig): ValidationRule[] {
  const reject =
    (limit: string, max: number) =>
    (context: ValidationContext | null, error: GraphQLError): void => {
      const found = /found (\d+)/.exec(error.message)?.[1];
      const message = `${limitText[limit] ?? limit} ${max} exceeded${found ? `: the document has ${found}` : ''}`;
      context?.reportError(
        new QueryTooComplexError(message, { limit, max, ...(found ? { found: Number(found) } : {}) }),
      );
    };
  const armor = new ApolloArmor({
    blockFieldSuggestion: { enabled: false },
    costLimit: { enabled: false },
    maxTokens: { enabled: false },
    maxDepth: {
      n: limits.depth,
      // Introspection (GraphiQL's schema query) nests type references deeper than any data query.
      ignoreIntrospection: true,
      propagateOnRejection: false,
      onReject: [reject('depth', limits.depth)],
    },
    maxAliases: {
      n: limits.aliases,
      propagateOnRejection: false,
      onReject: [reject('aliases', limits.aliases)],
    },
    maxDirectives: {
      n: limits.directives,
      propagateOnRejection: false,
      onReject: [reject('directives', limits.directives)],
    },
  });
  return armor.protect().validationRules;
}

const limitText: Record<string, string> = {
  depth: 'query depth limit of',
  aliases: 'alias limit of',
  directives: 'directive limit of',
};
