import { isUpstreamError, UnauthenticatedError } from '../../errors';
import type { Transport } from '../../config';
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

export function createLoginClient(caller: UpstreamCaller, options: { transport: Transport }): LoginClient {
  const esb = options.transport === 'esb';
  return {
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
      // bk-login's gateway describes bk_token sessions only.
      throw new UnauthenticatedError(
        'bk-login can describe a bk_token session only; an access_token carries no user info',
      );
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
