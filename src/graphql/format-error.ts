import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { BkGraphError, ErrorCode, REQUEST_ERROR_CODES } from '../errors';

/** The extensions of a BkGraphError a caller may see; anything else an error carries stays inside. */
const SAFE_EXTENSIONS = [
  'code',
  'upstream',
  'permission',
  'field',
  'retryAfterSeconds',
  // QUERY_TOO_COMPLEX: which limit, its maximum, what the document has; for cost also under the
  // names the architecture promises (cost and budget).
  'limit',
  'max',
  'found',
  'cost',
  'budget',
  // OUTCOME_UNKNOWN: the caller's own key, so they can find the write again.
  'idempotencyKey',
] as const;

/** Follows `originalError` down to what was actually thrown (resolver errors arrive wrapped). */
export function rootCause(error: unknown): unknown {
  let e = error;
  while (e instanceof GraphQLError && e.originalError) e = e.originalError;
  return e;
}

/** What a request error says when what was thrown is not a GraphQLError (its message is not ours). */
const SAFE_REQUEST_MESSAGES: Readonly<Record<string, string>> = {
  [ErrorCode.GRAPHQL_PARSE_FAILED]:
    'Syntax Error: the document could not be parsed (it nests too deeply or is too large)',
};

function requestCodeOf(formatted: GraphQLFormattedError): string | null {
  const code = formatted.extensions?.code;
  return typeof code === 'string' && REQUEST_ERROR_CODES.has(code) ? code : null;
}

/**
 * True for errors that must not reach a caller as they are: anything thrown that is neither one of
 * bk-graph's own errors nor a GraphQLError raised by graphql-js/Apollo about the request itself.
 */
export function isInternalError(error: unknown): boolean {
  const cause = rootCause(error);
  if (cause instanceof BkGraphError || cause instanceof GraphQLError) return false;
  // Apollo wraps what the parser throws (a RangeError on a document nested too deeply) as a
  // request error: that is the caller's document, not a bk-graph fault.
  return !(error instanceof GraphQLError && requestCodeOf(error) !== null);
}

/**
 * Apollo's `formatError`: keeps bk-graph's typed errors (message and the safe extensions), keeps
 * the request errors graphql-js and Apollo produce (syntax, validation, variables) with their
 * code, and masks the rest as INTERNAL_SERVER_ERROR. The masked originals are logged by the
 * error-logging plugin.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const cause = rootCause(error);
  const where = {
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
  };
  if (cause instanceof BkGraphError) {
    const extensions: Record<string, unknown> = {};
    for (const key of SAFE_EXTENSIONS) {
      if (cause.extensions[key] !== undefined) extensions[key] = cause.extensions[key];
    }
    return { message: cause.message, ...where, extensions };
  }
  if (cause instanceof GraphQLError) {
    const code = formatted.extensions?.code ?? ErrorCode.INTERNAL_SERVER_ERROR;
    return { message: formatted.message, ...where, extensions: { code } };
  }
  const requestCode = requestCodeOf(formatted);
  if (requestCode !== null) {
    const message = SAFE_REQUEST_MESSAGES[requestCode] ?? 'the request could not be processed';
    return { message, ...where, extensions: { code: requestCode } };
  }
  return { message: 'internal error', ...where, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}
