import type { ApiModuleFactory } from '../types';

// Placeholder until the cmdb module lands: it registers no APIs.
export const createCmdbApis: ApiModuleFactory = () => ({ apis: [] });
