import { BadUserInputError, BkGraphError, StoreUnavailableGraphError } from '../errors';
import type { RequestLogger } from '../logger';
import type { AuditEntry, Page, PageArgs, Store } from '../store';
import { StoreUnavailableError } from '../store';
import { toStoreError } from '../store/errors';
import type { Actor } from './actor';

/** `ok`, `unknown` (the upstream outcome cannot be known), or `failed: <CODE>` (bk-graph's error code). */
export type AuditOutcome = 'ok' | 'unknown' | `failed: ${string}`;

/** One mutation's entry, besides who did it (the actor) and when (the store's clock). */
export interface AuditRecord {
  /** The mutation: `executeJobPlan`, `fastExecuteScript`, `createTicket`, … */
  action: string;
  /**
   * What it was done to, e.g. `plan 1001 in business 3`, `script sha256:<hex> in business 3`,
   * `ticket REQ2024…`. Never a script's text, its params or any other secret.
   */
  target: string | null;
  hostCount?: number | null;
  idempotencyKey?: string | null;
  /** The upstream's id of its answer (JOB `job_request_id`, X-Bkapi-Request-ID), when there was one. */
  upstreamRequestId?: string | null;
  outcome: AuditOutcome;
  /** Small, secret-free JSON (ids, the upstream's error code). */
  detail?: Record<string, unknown>;
}

export interface AuditLog {
  /**
   * Appends the entry. Never throws: by the time a mutation is audited its upstream effect has
   * happened (or failed), and a failed audit write must not hide that answer; it is logged instead.
   */
  record(actor: Actor, entry: AuditRecord): Promise<AuditEntry | null>;
  /**
   * The actor's own entries (same user in the same tenant), newest first. Throws
   * BAD_USER_INPUT for a bad page and UPSTREAM_UNAVAILABLE naming the store when it is down.
   */
  listOwn(actor: Pick<Actor, 'username' | 'tenantId'>, page: PageArgs): Promise<Page<AuditEntry>>;
}

/** The most entries one listOwn page returns. */
export const MAX_AUDIT_PAGE = 1000;

/** The outcome of a mutation that threw `error`. */
export function failedOutcome(error: unknown): AuditOutcome {
  return `failed: ${error instanceof BkGraphError ? error.code : 'INTERNAL_SERVER_ERROR'}`;
}

export function createAuditLog({ store, logger }: { store: Store; logger: RequestLogger }): AuditLog {
  return {
    async record(actor, entry) {
      try {
        return await store.audit.append({
          actor: actor.username,
          tenantId: actor.tenantId,
          action: entry.action,
          target: entry.target,
          hostCount: entry.hostCount ?? null,
          idempotencyKey: entry.idempotencyKey ?? null,
          upstreamRequestId: entry.upstreamRequestId ?? null,
          outcome: entry.outcome,
          // bk-graph's own request id ties the entry to the request's log lines.
          detail: { ...entry.detail, requestId: actor.requestId, mode: actor.mode },
        });
      } catch (error) {
        logger.error(
          {
            action: entry.action,
            outcome: entry.outcome,
            requestId: actor.requestId,
            reason: reasonOf(error),
          },
          'audit: the entry could not be written',
        );
        return null;
      }
    },

    async listOwn(actor, { offset, limit }) {
      if (!Number.isInteger(offset) || offset < 0)
        throw new BadUserInputError('the page must start at 0 or later', 'after');
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE)
        throw new BadUserInputError(`a page holds 1 to ${MAX_AUDIT_PAGE} entries`, 'first');
      try {
        return await store.audit.listByActor(actor.username, { offset, limit }, { tenantId: actor.tenantId });
      } catch (error) {
        const mapped = toStoreError(error, store.kind);
        if (mapped instanceof StoreUnavailableError) throw new StoreUnavailableGraphError('auditLog');
        throw mapped;
      }
    },
  };
}

function reasonOf(error: unknown): string {
  if (error instanceof StoreUnavailableError) return error.reason;
  return error instanceof Error ? error.name : 'unknown';
}
