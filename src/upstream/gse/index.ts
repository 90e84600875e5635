export { createGseClient } from './client';
export type { GseClient, GseClientOptions } from './client';
export type { AgentQuery } from './map';
export { GSE_LIMITS, GSE_NONE_FOUND_CODE, gseSpecs } from './specs';
export * as gseMap from './map';
