import type { IncomingHttpHeaders } from 'node:http';
import { userByAccessToken, userByToken } from './data/users';
import type { ApiDef, SandboxOptions, SbUser } from './types';

/**
 * Gateway authentication as APIGW (CONTRACTS.md §1.2, §1.3) and ESB (§1.5) do it. The result is
 * either who is calling or the reason the gateway refuses; the core renders reasons per transport.
 */
export type AuthOutcome =
  | { ok: true; appCode: string; user: SbUser | null; claimedUsername: string | null }
  | { ok: false; failure: AuthFailure };

export type AuthFailure =
  | 'header_not_json'
  | 'app_code_empty'
  | 'app_secret_missing'
  | 'app_secret_incorrect'
  | 'user_missing'
  | 'user_not_verified'
  | 'token_invalid';

export const APIGW_REASONS: Record<AuthFailure, string> = {
  header_not_json: 'request header X-Bkapi-Authorization is not a valid JSON',
  app_code_empty: 'app code cannot be empty',
  app_secret_missing: 'please provide bk_app_secret or bk_signature to verify app',
  app_secret_incorrect: 'bk_app_code or bk_app_secret is incorrect',
  user_missing:
    'user authentication failed, please provide a valid user identity, such as bk_username, bk_token, access_token',
  user_not_verified: 'user authentication failed, the user indicated by bk_username is not verified',
  // The gateway reports an unusable token with the same reason as a missing identity.
  token_invalid:
    'user authentication failed, please provide a valid user identity, such as bk_username, bk_token, access_token',
};

export const ESB_FAILURES: Record<AuthFailure, { code: number; message: string }> = {
  header_not_json: {
    code: 1306406,
    message: 'request header X-Bkapi-Authorization is not a valid JSON format string',
  },
  app_code_empty: { code: 1306000, message: 'APP Code [bk_app_code] cannot be empty' },
  app_secret_missing: { code: 1306000, message: 'APP Secret [bk_app_secret] cannot be empty' },
  app_secret_incorrect: {
    code: 1306000,
    message: 'APP Code [bk_app_code] or APP Secret [bk_app_secret] is incorrect',
  },
  user_missing: {
    code: 1306000,
    message:
      'User authentication failed, please provide a valid user identity, such as bk_token, bk_username',
  },
  user_not_verified: {
    code: 1306000,
    message:
      'User authentication failed, please provide a valid user identity, such as bk_token, bk_username',
  },
  token_invalid: {
    code: 1306000,
    message: 'User authentication failed, please check if the bk_token is valid',
  },
};

export interface AuthSources {
  headers: IncomingHttpHeaders;
  query: Record<string, string>;
  /** Parsed JSON body, or {} when it had none or could not be parsed. */
  body: Record<string, unknown>;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}

function cookie(headers: IncomingHttpHeaders, name: string): string {
  const raw = headers.cookie ?? '';
  for (const part of raw.split(';')) {
    const [k, ...rest] = part.trim().split('=');
    if (k === name) return decodeURIComponent(rest.join('='));
  }
  return '';
}

/** Reads the auth header; `null` = absent, `'invalid'` = present but not a JSON object. */
function authHeader(headers: IncomingHttpHeaders): Record<string, unknown> | null | 'invalid' {
  const raw = headers['x-bkapi-authorization'];
  if (raw === undefined) return null;
  try {
    const v: unknown = JSON.parse(Array.isArray(raw) ? (raw[0] ?? '') : raw);
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : 'invalid';
  } catch {
    return 'invalid';
  }
}

export function authenticate(
  transport: 'apigw' | 'esb',
  api: ApiDef,
  src: AuthSources,
  options: Readonly<SandboxOptions>,
  users: ReadonlyMap<string, SbUser>,
): AuthOutcome {
  const header = authHeader(src.headers);
  if (header === 'invalid') return { ok: false, failure: 'header_not_json' };
  // APIGW: the header, when present, is the only source; JOB's gateway never reads params
  // (allow_auth_from_params: false). ESB merges params and the header.
  let p: Record<string, unknown>;
  if (transport === 'apigw') {
    p = header ?? (api.system === 'job' ? {} : { ...src.query, ...src.body });
  } else {
    p = { ...src.query, ...src.body, ...(header ?? {}) };
  }

  const accessToken = str(p.access_token);
  const atUser = accessToken ? userByAccessToken(users, accessToken) : null;
  // An access_token stands for app and user together, so it verifies the app by itself.
  const appCode = str(p.bk_app_code) || str(p.app_code) || (atUser ? options.appCode : '');
  if (!appCode) return { ok: false, failure: 'app_code_empty' };
  if (!atUser) {
    const secret = str(p.bk_app_secret) || str(p.app_secret);
    if (!secret) return { ok: false, failure: 'app_secret_missing' };
    if (appCode !== options.appCode || secret !== options.appSecret) {
      return { ok: false, failure: 'app_secret_incorrect' };
    }
  } else if (appCode !== options.appCode) {
    return { ok: false, failure: 'app_secret_incorrect' };
  }

  const bkToken = str(p.bk_token) || (transport === 'apigw' ? cookie(src.headers, 'bk_token') : '');
  const claimed = str(p.bk_username) || str(p.username) || null;
  let user: SbUser | null = atUser;
  let tokenBad = accessToken !== '' && !atUser;
  if (!user && bkToken) {
    user = userByToken(users, bkToken);
    tokenBad = tokenBad || !user;
  }
  if (!api.userRequired) return { ok: true, appCode, user, claimedUsername: user ? null : claimed };
  if (tokenBad && !user) return { ok: false, failure: 'token_invalid' };
  if (user) return { ok: true, appCode, user, claimedUsername: null };
  if (claimed) {
    if (api.userVerifiedRequired) return { ok: false, failure: 'user_not_verified' };
    return { ok: true, appCode, user: null, claimedUsername: claimed };
  }
  return { ok: false, failure: 'user_missing' };
}

/** The app code a request names (verified or not), for per-app rate limiting. */
export function claimedAppCode(src: AuthSources): string {
  const header = authHeader(src.headers);
  const p = header && header !== 'invalid' ? header : { ...src.query, ...src.body };
  return str(p.bk_app_code) || str(p.app_code) || (str(p.access_token) ? 'access_token' : 'anonymous');
}
