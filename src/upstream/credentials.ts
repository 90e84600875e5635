/**
 * What bk-graph presents to BlueKing on a caller's behalf, forwarded in X-Bkapi-Authorization
 * (CONTRACTS.md §1.2) so BlueKing's own permission checks apply. Never logged or returned. A leaf:
 * the upstream clients send it and the front door (src/auth/) produces it; neither imports the
 * other for it.
 */
export type Credentials =
  | { readonly kind: 'bk_token'; readonly bkToken: string }
  | { readonly kind: 'access_token'; readonly accessToken: string }
  /** An unverified claim: for sandbox mode, trusted service keys and app-mode (system) calls. */
  | { readonly kind: 'bk_username'; readonly bkUsername: string };
