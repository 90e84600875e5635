import type { ApiModuleFactory } from '../types';

// Placeholder until the login module lands: it registers no APIs.
export const createLoginApis: ApiModuleFactory = () => ({ apis: [] });
