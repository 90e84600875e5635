export { createLoginClient, fromApigwUser, fromEsbUser, isInvalidTokenError } from './client';
export type { LoginClient } from './client';
export { INVALID_TOKEN_CODES, loginSpecs } from './specs';
