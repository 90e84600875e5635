import { isUpstreamError, UnauthenticatedError } from '../../errors';
import type { Transport } from '../limits';
import type { UserInfo, VerifiedToken } from '../domain';
import { textOrNull } from '../mapping';
import type { CallContext, UpstreamCaller } from '../types';
import { INVALID_TOKEN_CODES, loginSpecs } from './specs';

interface WireApigwUser {
  bk_username: string;
  tenant_id?: string | null;
  display_name?: string | null;
  language?: string | null;
  time_zone?: string | null;
}

interface WireEsbUser {
  bk_username: string;
  chname?: string | null;
  display_name?: string | null;
  language?: string | null;
  time_zone?: string | null;
}

export interface LoginClient {
  /** Who the context's credentials belong to. */
  userInfo(ctx: CallContext): Promise<UserInfo>;
  /**
   * The user an access token stands for, or null when BlueKing does not accept the token.
   * Needs the ESB (`esbAvailable`); without it, throws UnauthenticatedError saying so.
   */
  describeAccessToken(accessToken: string, ctx: CallContext): Promise<UserInfo | null>;
  /** The user behind a bk_token, or null when bk-login says the token is invalid or expired. */
  verifyToken(bkToken: string, ctx: CallContext): Promise<VerifiedToken | null>;
}

export function isInvalidTokenError(e: unknown): boolean {
  return (
    isUpstreamError(e) && e.upstream.code !== undefined && INVALID_TOKEN_CODES.has(String(e.upstream.code))
  );
}

export function fromApigwUser(w: WireApigwUser): UserInfo {
  return {
    username: w.bk_username,
    displayName: textOrNull(w.display_name),
    tenantId: textOrNull(w.tenant_id),
    language: textOrNull(w.language),
    timeZone: textOrNull(w.time_zone),
  };
}

export function fromEsbUser(w: WireEsbUser, tenantId: string | null): UserInfo {
  return {
    username: w.bk_username,
    displayName: textOrNull(w.display_name) ?? textOrNull(w.chname),
    // ESB-era bk-login is single-tenant: the tenant is whatever bk-graph is configured with.
    tenantId,
    language: textOrNull(w.language),
    timeZone: textOrNull(w.time_zone),
  };
}

export interface LoginClientOptions {
  transport: Transport;
  /** Whether an ESB root is configured (access tokens are described there). @default true */
  esbAvailable?: boolean;
}

export function createLoginClient(caller: UpstreamCaller, options: LoginClientOptions): LoginClient {
  const esb = options.transport === 'esb';
  const esbAvailable = options.esbAvailable ?? true;

  async function describeAccessToken(accessToken: string, ctx: CallContext): Promise<UserInfo | null> {
    if (!esbAvailable)
      throw new UnauthenticatedError(
        'bk-graph cannot tell whose access_token this is: bk-login describes access tokens over ESB only, and BK_COMPONENT_API_URL is not set',
      );
    try {
      const data = await caller.call<WireEsbUser>(
        loginSpecs.describeAccessToken,
        {},
        {
          ...ctx,
          credentials: { kind: 'access_token', accessToken },
        },
      );
      return fromEsbUser(data, ctx.tenantId ?? null);
    } catch (e) {
      // bk-login's "no such session" (1302100), or the gateway refusing the token itself.
      if (isInvalidTokenError(e) || (isUpstreamError(e) && e.kind === 'auth')) return null;
      throw e;
    }
  }

  return {
    describeAccessToken,
    async userInfo(ctx) {
      if (esb) {
        // get_user describes the user of the common args, which the core fills from ctx.
        const data = await caller.call<WireEsbUser>(loginSpecs.getUser, {}, ctx);
        return fromEsbUser(data, ctx.tenantId ?? null);
      }
      const creds = ctx.credentials;
      if (creds.kind === 'bk_token') {
        const data = await caller.call<WireApigwUser>(
          loginSpecs.getBkTokenUserinfo,
          { query: { bk_token: creds.bkToken } },
          ctx,
        );
        return fromApigwUser(data);
      }
      if (creds.kind === 'bk_username') {
        // An unverified claim (sandbox mode, trusted service keys): bk-login can add nothing to it.
        return {
          username: creds.bkUsername,
          displayName: null,
          tenantId: ctx.tenantId ?? null,
          language: null,
          timeZone: null,
        };
      }
      const user = await describeAccessToken(creds.accessToken, ctx);
      if (!user) throw new UnauthenticatedError('the access_token is invalid or has expired');
      return user;
    },

    async verifyToken(bkToken, ctx) {
      try {
        if (esb) {
          const data = await caller.call<{ bk_username: string }>(
            loginSpecs.isLogin,
            { query: { bk_token: bkToken } },
            ctx,
          );
          return { username: data.bk_username, tenantId: ctx.tenantId ?? null };
        }
        const data = await caller.call<{ bk_username: string; tenant_id?: string | null }>(
          loginSpecs.verifyBkToken,
          { query: { bk_token: bkToken } },
          ctx,
        );
        return { username: data.bk_username, tenantId: textOrNull(data.tenant_id) };
      } catch (e) {
        if (isInvalidTokenError(e)) return null;
        throw e;
      }
    },
  };
}
