import { randomUUID } from 'node:crypto';
import type { Credentials } from '../../auth/identity';
import type { CallContext } from '../../upstream/types';
import type { Actor } from '../actor';

/**
 * Who bk-graph is when no person is calling: the callback route and the reconcile loop.
 * `token/verify` and `callback_failed_ticket` need only the app (the username is an unverified
 * claim); `ticket_approval_result` needs a verified user on APIGW (`userVerifiedRequired`,
 * CONTRACTS.md §1.2), hence `credentials`: e.g. a service account's access_token.
 */
export interface ItsmServiceAccount {
  username: string;
  /** A verified credential for ticket_approval_result. @default the bk_username claim of `username` */
  credentials?: Credentials;
}

/** Bound on one background ITSM call. */
const BACKGROUND_DEADLINE_MS = 15_000;

function context(credentials: Credentials, purpose: string, tenantId: string | null): CallContext {
  return {
    credentials,
    tenantId,
    requestId: `${purpose}-${randomUUID()}`,
    deadline: Date.now() + BACKGROUND_DEADLINE_MS,
  };
}

/** As the app alone (a claimed username). */
export function appContext(account: ItsmServiceAccount, purpose: string): CallContext {
  return context({ kind: 'bk_username', bkUsername: account.username }, purpose, null);
}

/** As the service account's verified identity, for ticket_approval_result. */
export function verifiedContext(account: ItsmServiceAccount, purpose: string): CallContext {
  return context(account.credentials ?? { kind: 'bk_username', bkUsername: account.username }, purpose, null);
}

/** As the person making the request: their credentials, request id and deadline. */
export function actorContext(actor: Actor): CallContext {
  return {
    credentials: actor.credentials,
    tenantId: actor.tenantId,
    requestId: actor.requestId,
    deadline: actor.deadline,
  };
}
