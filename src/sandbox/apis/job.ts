import type { ApiModuleFactory } from '../types';

// Placeholder until the job module lands: it registers no APIs.
export const createJobApis: ApiModuleFactory = () => ({ apis: [] });
