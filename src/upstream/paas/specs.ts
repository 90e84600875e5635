import type { ApiSpec } from '../types';

/**
 * PaaS app info differs per transport (CONTRACTS.md §8.3): ESB `bk_paas/get_app_info`, APIGW
 * `bkpaas3` `uni_applications/query/by_id` (a bare array). The client picks by transport; each
 * spec's other route names its counterpart only so the type stays total.
 */
export const paasSpecs = {
  getAppInfo: {
    system: 'paas',
    api: 'get_app_info',
    apigw: { gateway: 'bkpaas3', method: 'GET', path: '/system/uni_applications/query/by_id/' },
    esb: { system: 'bk_paas', name: 'get_app_info', method: 'GET' },
    idempotent: true,
    envelope: 'bk',
  },
  uniAppsQueryById: {
    system: 'paas',
    api: 'uni_apps_query_by_id',
    apigw: { gateway: 'bkpaas3', method: 'GET', path: '/system/uni_applications/query/by_id/' },
    esb: { system: 'bk_paas', name: 'get_app_info', method: 'GET' },
    idempotent: true,
    envelope: 'bare',
  },
} as const satisfies Record<string, ApiSpec>;
