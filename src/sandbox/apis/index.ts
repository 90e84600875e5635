import type { ApiModuleFactory } from '../types';
import { createCmdbApis } from './cmdb';
import { createGseApis } from './gse';
import { createItsmApis } from './itsm';
import { createJobApis } from './job';
import { createLoginApis } from './login';
import { createPaasApis } from './paas';

/** Every BlueKing system the sandbox serves. */
export const apiModules: readonly ApiModuleFactory[] = [
  createCmdbApis,
  createGseApis,
  createJobApis,
  createItsmApis,
  createLoginApis,
  createPaasApis,
];
