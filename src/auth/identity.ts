/**
 * Who is calling. The credentials are forwarded upstream in X-Bkapi-Authorization (CONTRACTS.md
 * §1.2) so BlueKing's own permission checks apply; they are never logged or returned.
 */
export type Credentials =
  | { readonly kind: 'bk_token'; readonly bkToken: string }
  | { readonly kind: 'access_token'; readonly accessToken: string }
  /** An unverified claim: only for sandbox mode and trusted service keys. */
  | { readonly kind: 'bk_username'; readonly bkUsername: string };

export interface Identity {
  readonly username: string;
  readonly displayName?: string;
  readonly tenantId: string | null;
  readonly language?: string;
  readonly credentials: Credentials;
}
