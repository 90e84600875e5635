import type { ApiDef, ApiModuleFactory, SandboxContext, SbRequest, SbUser } from '../types';
import { SbBizError, SbRawReply } from '../types';

/**
 * bk-login (CONTRACTS.md §8.1, §8.2).
 *
 * ESB `bk_login/get_user` and `bk_login/is_login` answer in the ESB envelope with `message: "OK"`;
 * an unknown or expired bk_token is bk-login's own error 1302100, passed through by ESB.
 * APIGW `bk-login` `bk-tokens/verify` and `bk-tokens/userinfo` answer bare `{"data": {...}}`, and
 * HTTP 400 `{"error": {"code": "VALIDATION_ERROR", "message": "登录态已过期"}}` for a bad token.
 * All four are app-verified only: the token to check is a parameter, not the caller's identity.
 */

/** bk-login v2's "invalid bk_token" (bk_error_code, renamed to code by ESB). */
export const LOGIN_INVALID_TOKEN = 1302100;
/** bk-login v2 "user does not exist" for get_user with an unknown bk_username. */
export const LOGIN_USER_NOT_FOUND = 1302103;
const TIME_ZONE = 'Asia/Shanghai';

function param(req: SbRequest, name: string): string {
  const v = req.body[name] ?? req.query[name];
  return typeof v === 'string' ? v : '';
}

function userByToken(ctx: SandboxContext, token: string): SbUser | null {
  if (token === '') return null;
  for (const u of ctx.data.users.values()) if (u.bkToken === token) return u;
  return null;
}

function esbUser(ctx: SandboxContext, req: SbRequest): SbUser {
  const token = param(req, 'bk_token');
  if (token !== '') {
    const user = userByToken(ctx, token);
    if (!user) throw new SbBizError(LOGIN_INVALID_TOKEN, '登录态无效或已过期 (bk_token is invalid)');
    return user;
  }
  const name = param(req, 'bk_username') || req.claimedUsername || req.user?.username || '';
  if (name === '') throw new SbBizError(LOGIN_INVALID_TOKEN, 'bk_token or bk_username is required');
  const user = ctx.data.users.get(name);
  if (!user) throw new SbBizError(LOGIN_USER_NOT_FOUND, `用户不存在 (user ${name} does not exist)`);
  return user;
}

function getUser(ctx: SandboxContext, req: SbRequest): Record<string, unknown> {
  const u = esbUser(ctx, req);
  return {
    bk_username: u.username,
    qq: '',
    bk_role: 0,
    language: u.language,
    phone: '',
    wx_userid: '',
    email: '',
    chname: u.displayName,
    time_zone: TIME_ZONE,
  };
}

function isLogin(ctx: SandboxContext, req: SbRequest): Record<string, unknown> {
  const token = param(req, 'bk_token');
  if (token === '') throw new SbBizError(LOGIN_INVALID_TOKEN, 'bk_token is required');
  const user = userByToken(ctx, token);
  if (!user) throw new SbBizError(LOGIN_INVALID_TOKEN, '登录态无效或已过期 (bk_token is invalid)');
  return { bk_username: user.username };
}

// A fresh reply per call: the core may add headers to it.
const expired = () => new SbRawReply(400, { error: { code: 'VALIDATION_ERROR', message: '登录态已过期' } });

function apigwUser(ctx: SandboxContext, req: SbRequest): SbUser | SbRawReply {
  const token = typeof req.query.bk_token === 'string' ? req.query.bk_token : '';
  if (token === '') {
    return new SbRawReply(400, {
      error: { code: 'VALIDATION_ERROR', message: 'bk_token: 该字段是必填项。' },
    });
  }
  return userByToken(ctx, token) ?? expired();
}

/** The `login` envelope leaves ESB bodies to the handler; the core adds request_id. */
function esbOk(data: Record<string, unknown>): Record<string, unknown> {
  return { result: true, code: 0, message: 'OK', data };
}

export const createLoginApis: ApiModuleFactory = (ctx) => {
  const common = {
    system: 'login',
    userVerifiedRequired: false,
    userRequired: false,
    envelope: 'login',
  } as const;
  const apis: ApiDef[] = [
    {
      ...common,
      api: 'get_user',
      apigw: null,
      esb: { system: 'bk_login', name: 'get_user' },
      handler: (req) => esbOk(getUser(ctx, req)),
    },
    {
      ...common,
      api: 'is_login',
      apigw: null,
      esb: { system: 'bk_login', name: 'is_login' },
      handler: (req) => esbOk(isLogin(ctx, req)),
    },
    {
      ...common,
      api: 'verify_bk_token',
      apigw: { gateway: 'bk-login', method: 'GET', path: '/login/api/v3/open/bk-tokens/verify/' },
      esb: null,
      handler: (req) => {
        const u = apigwUser(ctx, req);
        if (u instanceof SbRawReply) return u;
        return new SbRawReply(200, { data: { bk_username: u.username, tenant_id: u.tenantId } });
      },
    },
    {
      ...common,
      api: 'get_bk_token_userinfo',
      apigw: { gateway: 'bk-login', method: 'GET', path: '/login/api/v3/open/bk-tokens/userinfo/' },
      esb: null,
      handler: (req) => {
        const u = apigwUser(ctx, req);
        if (u instanceof SbRawReply) return u;
        return new SbRawReply(200, {
          data: {
            bk_username: u.username,
            tenant_id: u.tenantId,
            login_name: u.username,
            display_name: u.displayName,
            language: u.language,
            time_zone: TIME_ZONE,
          },
        });
      },
    },
  ];
  return { apis };
};
