import type { ApiSpec } from '../types';

const USERINFO_PATH = '/login/api/v3/open/bk-tokens/userinfo/';
const VERIFY_PATH = '/login/api/v3/open/bk-tokens/verify/';

function loginSpec(api: string, apigwPath: string, esbName: string): ApiSpec {
  return {
    system: 'login',
    api,
    apigw: { gateway: 'bk-login', method: 'GET', path: apigwPath },
    esb: { system: 'bk_login', name: esbName, method: 'GET' },
    idempotent: true,
    // bk-login's APIGW answers `{data}` with no `result` key, which the core reads as success.
    envelope: 'bk',
  };
}

/**
 * bk-login has different APIs per transport (CONTRACTS.md §8): ESB `get_user`/`is_login`, APIGW
 * `bk-tokens/userinfo`/`bk-tokens/verify`. The client picks the pair of its transport; each spec's
 * other-transport route names its counterpart only so the type stays total.
 */
export const loginSpecs = {
  getUser: loginSpec('get_user', USERINFO_PATH, 'get_user'),
  // bk-login's APIGW resources describe bk_token sessions only; ESB's get_user describes whoever
  // the common args name, an access_token's user included (ESB verifies the token itself).
  describeAccessToken: { ...loginSpec('get_user', USERINFO_PATH, 'get_user'), onlyOn: 'esb' },
  isLogin: loginSpec('is_login', VERIFY_PATH, 'is_login'),
  verifyBkToken: loginSpec('verify_bk_token', VERIFY_PATH, 'is_login'),
  getBkTokenUserinfo: loginSpec('get_bk_token_userinfo', USERINFO_PATH, 'get_user'),
} as const satisfies Record<string, ApiSpec>;

/**
 * How each transport says "this bk_token is not (or no longer) valid": APIGW bk-login answers HTTP
 * 400 `VALIDATION_ERROR`; the ESB v2 backend 1302100 (v1: "1200").
 */
export const INVALID_TOKEN_CODES: ReadonlySet<string> = new Set(['VALIDATION_ERROR', '1302100', '1200']);
