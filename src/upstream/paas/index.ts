export { createPaasClient, fromEsbApps, fromUniApps } from './client';
export type { PaasClient } from './client';
export { paasSpecs } from './specs';
