import type { ApiModuleFactory } from '../types';

// Placeholder until the gse module lands: it registers no APIs.
export const createGseApis: ApiModuleFactory = () => ({ apis: [] });
