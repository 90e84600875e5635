import type { GraphQLFormattedError } from 'graphql';
import { GraphQLError } from 'graphql';
import { BkGraphError, ErrorCode } from './errors';

/** The extensions of a BkGraphError a caller may see; anything else an error carries stays inside. */
const SAFE_EXTENSIONS = ['code', 'upstream', 'permission', 'field', 'retryAfterSeconds'] as const;

/** Follows `originalError` down to what was actually thrown (resolver errors arrive wrapped). */
export function rootCause(error: unknown): unknown {
  let e = error;
  while (e instanceof GraphQLError && e.originalError) e = e.originalError;
  return e;
}

/**
 * True for errors that must not reach a caller as they are: anything thrown that is neither one of
 * bk-graph's own errors nor a GraphQLError raised by graphql-js/Apollo about the request itself.
 */
export function isInternalError(error: unknown): boolean {
  const cause = rootCause(error);
  return !(cause instanceof BkGraphError) && !(cause instanceof GraphQLError);
}

/**
 * Apollo's `formatError`: keeps bk-graph's typed errors (message and the safe extensions), keeps
 * the request errors graphql-js and Apollo produce (syntax, validation, variables), and masks the
 * rest as INTERNAL_SERVER_ERROR. The masked originals are logged by the error-logging plugin.
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
  return { message: 'internal error', ...where, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}
