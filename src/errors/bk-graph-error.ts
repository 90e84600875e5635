import { GraphQLError } from 'graphql';
import { ErrorCode } from './codes';

/** Base of every error bk-graph raises on purpose; its message is safe to show. */
export class BkGraphError extends GraphQLError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { ...extensions, code } });
    this.name = 'BkGraphError';
  }
}

export class BadUserInputError extends BkGraphError {
  constructor(message: string, field?: string) {
    super(ErrorCode.BAD_USER_INPUT, message, field ? { field } : {});
    this.name = 'BadUserInputError';
  }
}

export class UnauthenticatedError extends BkGraphError {
  constructor(message = 'a valid bk_token, X-Bk-Token or Bearer access_token is required') {
    super(ErrorCode.UNAUTHENTICATED, message);
    this.name = 'UnauthenticatedError';
  }
}

export class NotFoundError extends BkGraphError {
  constructor(message: string) {
    super(ErrorCode.NOT_FOUND, message);
    this.name = 'NotFoundError';
  }
}

/** The request cannot be served as sent (an operation type the schema lacks, a subscription over HTTP). */
export class BadRequestError extends BkGraphError {
  constructor(message: string) {
    super(ErrorCode.BAD_REQUEST, message);
    this.name = 'BadRequestError';
  }
}

/** Which query limit refused a document, with the limit and what the document needs. */
export interface QueryLimitInfo {
  /** `depth`, `aliases`, `directives` or `cost`. */
  limit: string;
  /** The configured maximum (for `cost`: the budget). */
  max: number;
  /** What the document has (for `cost`: the computed cost), when the rule reports it. */
  found?: number;
}

/** A document over one of the query limits: refused before anything runs. */
export class QueryTooComplexError extends BkGraphError {
  constructor(message: string, info: QueryLimitInfo) {
    super(ErrorCode.QUERY_TOO_COMPLEX, message, {
      limit: info.limit,
      max: info.max,
      ...(info.found !== undefined ? { found: info.found } : {}),
      ...(info.limit === 'cost' ? { cost: info.found, budget: info.max } : {}),
    });
    this.name = 'QueryTooComplexError';
  }
}

/** The request's deadline passed before this field could be resolved. */
export class DeadlineExceededError extends BkGraphError {
  constructor(message = 'the request ran past its deadline before this field was resolved') {
    super(ErrorCode.UPSTREAM_TIMEOUT, message);
    this.name = 'DeadlineExceededError';
  }
}

/**
 * A write whose upstream outcome cannot be known (the call timed out or the connection broke after
 * the request was sent). Never retried by itself: repeating it could run the job twice.
 */
export class OutcomeUnknownError extends BkGraphError {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super(ErrorCode.OUTCOME_UNKNOWN, message, extensions);
    this.name = 'OutcomeUnknownError';
  }
}

/** bk-graph's own store (PostgreSQL or the embedded PGlite) cannot be used: nothing was written. */
export class StoreUnavailableGraphError extends BkGraphError {
  constructor(operation: string) {
    super(
      ErrorCode.UPSTREAM_UNAVAILABLE,
      `bk-graph's store is unavailable, so ${operation} was not attempted; retry later`,
      { upstream: { system: 'store', api: operation } },
    );
    this.name = 'StoreUnavailableGraphError';
  }
}
