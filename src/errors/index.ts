/** bk-graph's errors: the code list, the error classes and the HTTP status map, in one home. */
export { ErrorCode, REQUEST_ERROR_CODES } from './codes';
export {
  BadRequestError,
  BadUserInputError,
  BkGraphError,
  DeadlineExceededError,
  NotFoundError,
  OutcomeUnknownError,
  QueryTooComplexError,
  StoreUnavailableGraphError,
  UnauthenticatedError,
} from './bk-graph-error';
export type { QueryLimitInfo } from './bk-graph-error';
export { UpstreamError, isUpstreamError } from './upstream-error';
export type { PermissionInfo, UpstreamErrorKind, UpstreamInfo } from './upstream-error';
export { HTTP_STATUS_BY_CODE, httpStatusOf } from './http-status';
export {
  CacheUnavailableError,
  ConfigError,
  InvariantError,
  StoreMigrationError,
  StoreUnavailableError,
} from './internal-errors';
