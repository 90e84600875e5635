import type { ApiModuleFactory } from '../types';

// Placeholder until the itsm module lands: it registers no APIs.
export const createItsmApis: ApiModuleFactory = () => ({ apis: [] });
