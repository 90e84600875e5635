import { createHash } from 'node:crypto';
import { Keyv } from 'keyv';
import { UnauthenticatedError } from '../errors';
import type { CallContext } from '../upstream/types';
import type { Credentials, Identity } from './identity';

/** The part of bk-login the front door needs (src/upstream/clients.ts provides it). */
export interface TokenVerifier {
  verifyToken(
    bkToken: string,
    ctx: CallContext,
  ): Promise<{ username: string; tenantId: string | null } | null>;
  /** The user behind an access token, or null when BlueKing does not accept it. */
  describeAccessToken(
    accessToken: string,
    ctx: CallContext,
  ): Promise<{ username: string; tenantId: string | null } | null>;
}

/** What the caller presented, as far as the front door can tell without asking BlueKing. */
export interface RequestCredentialsInput {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly cookies: Readonly<Record<string, string | undefined>>;
}

export interface Authenticated {
  readonly credentials: Credentials;
  /**
   * The verified caller. Null only for an access token bk-graph cannot describe (no ESB root
   * configured): BlueKing still checks the token on every call it is forwarded with.
   */
  readonly identity: Identity | null;
  /** A stable, non-secret key of the caller for cache keys: never the raw token. */
  readonly identityKey: string;
}

export interface AuthenticatorOptions {
  verifier: TokenVerifier;
  /** In sandbox mode a request without credentials acts as the sandbox user `admin`. */
  sandboxMode: boolean;
  /** Tenant used when bk-login does not name one (single-tenant installs). */
  defaultTenantId: string | null;
  /** How long a verified bk_token or access token is trusted without asking again. @default 60000 */
  verifiedTtlMs?: number;
  /**
   * Whether access tokens are verified (and their user known) at the front door, which needs the
   * ESB (see LoginClient.describeAccessToken). @default true
   */
  verifyAccessTokens?: boolean;
  /** Most verified tokens kept in memory at once. @default 10000 */
  maxCachedTokens?: number;
}

const SANDBOX_DEFAULT_USER = 'admin';
const SANDBOX_DEFAULT_TOKEN = 'token-admin';

/** A Map that forgets its oldest entry when full, so unknown tokens cannot grow memory without bound. */
class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.max) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return super.set(key, value);
  }
}

export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

function firstHeader(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v?.trim() || undefined;
}

/**
 * Turns what a request presents into credentials and, for bk_tokens, a verified identity.
 * Precedence: X-Bk-Token, then Authorization: Bearer, then the bk_token cookie, so an explicit
 * header wins over a browser's ambient cookie.
 */
export function createAuthenticator(options: AuthenticatorOptions) {
  const {
    verifier,
    sandboxMode,
    defaultTenantId,
    verifiedTtlMs = 60_000,
    maxCachedTokens = 10_000,
    verifyAccessTokens = true,
  } = options;
  const verified = new Keyv<{ username: string; tenantId: string | null }>({
    store: new BoundedMap(maxCachedTokens),
    ttl: verifiedTtlMs,
    namespace: 'bk-token',
  });

  /**
   * The verified user of `credentials`, asking BlueKing at most once per token and TTL. Only the
   * hash of the token is ever used as a key: the cache must not hold credentials.
   */
  async function verifiedUser(
    credentials: Credentials,
    token: string,
    ask: () => Promise<{ username: string; tenantId: string | null } | null>,
  ): Promise<Authenticated> {
    const key = `${credentials.kind}:${sha256(token)}`;
    // A TTL of 0 means "ask every time" (CACHE_TTL_USER_S=0), not keyv's "keep forever".
    let who = verifiedTtlMs > 0 ? await verified.get(key) : undefined;
    if (!who) {
      const answer = await ask();
      if (!answer) throw new UnauthenticatedError(`the ${credentials.kind} is invalid or has expired`);
      who = { username: answer.username, tenantId: answer.tenantId ?? defaultTenantId };
      if (verifiedTtlMs > 0) await verified.set(key, who);
    }
    return {
      credentials,
      identity: { username: who.username, tenantId: who.tenantId, credentials },
      identityKey: `user:${who.tenantId ?? ''}:${who.username}`,
    };
  }

  function fromBkToken(bkToken: string, requestId: string, deadline: number): Promise<Authenticated> {
    const credentials: Credentials = { kind: 'bk_token', bkToken };
    return verifiedUser(credentials, bkToken, () =>
      verifier.verifyToken(bkToken, { credentials, requestId, deadline }),
    );
  }

  function fromAccessToken(accessToken: string, requestId: string, deadline: number): Promise<Authenticated> {
    const credentials: Credentials = { kind: 'access_token', accessToken };
    if (!verifyAccessTokens) {
      // Checked by BlueKing on every call it is forwarded with; whose it is stays unknown.
      return Promise.resolve({
        credentials,
        identity: null,
        identityKey: `access_token:${sha256(accessToken)}`,
      });
    }
    return verifiedUser(credentials, accessToken, () =>
      verifier.describeAccessToken(accessToken, { credentials, requestId, deadline }),
    );
  }

  return {
    async authenticate(
      input: RequestCredentialsInput,
      requestId: string,
      deadline: number,
    ): Promise<Authenticated> {
      const headerToken = firstHeader(input.headers['x-bk-token']);
      if (headerToken) return fromBkToken(headerToken, requestId, deadline);

      const authorization = firstHeader(input.headers['authorization']);
      if (authorization) {
        const match = /^Bearer\s+(\S+)$/i.exec(authorization);
        if (!match?.[1])
          throw new UnauthenticatedError('the Authorization header must be "Bearer <access_token>"');
        return fromAccessToken(match[1], requestId, deadline);
      }

      const cookieToken = input.cookies['bk_token']?.trim();
      if (cookieToken) return fromBkToken(cookieToken, requestId, deadline);

      if (sandboxMode) {
        const credentials: Credentials = { kind: 'bk_token', bkToken: SANDBOX_DEFAULT_TOKEN };
        return {
          credentials,
          identity: { username: SANDBOX_DEFAULT_USER, tenantId: defaultTenantId, credentials },
          identityKey: `user:${defaultTenantId ?? ''}:${SANDBOX_DEFAULT_USER}`,
        };
      }
      throw new UnauthenticatedError();
    },
  };
}

export type Authenticator = ReturnType<typeof createAuthenticator>;
