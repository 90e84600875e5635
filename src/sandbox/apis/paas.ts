import type { ApiModuleFactory } from '../types';

// Placeholder until the paas module lands: it registers no APIs.
export const createPaasApis: ApiModuleFactory = () => ({ apis: [] });
