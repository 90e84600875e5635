import type { Credentials } from '../upstream/credentials';

/**
 * Who a write is done for. A GraphQL mutation acts as its caller (their credentials are forwarded,
 * so BlueKing's own permission checks apply); background work (an approved job, polling a job
 * nobody called back about) acts as the user who asked for it through the app's own identity
 * (`mode: 'system'`: JOB's app-mode resources with that user as the operator).
 */
export interface Actor {
  readonly username: string;
  readonly tenantId: string | null;
  /** The caller's credentials (mode `user`); for mode `system`, `{ kind: 'bk_username' }`. */
  readonly credentials: Credentials;
  /** Propagated upstream as X-Request-Id and written to the audit log. */
  readonly requestId: string;
  /** Epoch ms after which no upstream call of this write may start. */
  readonly deadline: number;
  readonly mode: 'user' | 'system';
}

/** The actor background work uses for something `username` asked for. */
export function systemActor(
  username: string,
  tenantId: string | null,
  requestId: string,
  deadline: number,
): Actor {
  return {
    username,
    tenantId,
    credentials: { kind: 'bk_username', bkUsername: username },
    requestId,
    deadline,
    mode: 'system',
  };
}
