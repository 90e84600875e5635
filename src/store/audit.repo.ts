import type { Kysely, Selectable } from 'kysely';
import type { AuditLogTable, Database } from './database';
import { toJson } from './json';
import { toCount, type Page, type PageArgs } from './page';

export interface AuditEntryInput {
  actor: string;
  tenantId?: string | null;
  /** What was attempted, e.g. `job.executePlan`, `ticket.create`. */
  action: string;
  /** What it was done to, e.g. `biz:3/plan:1001`. */
  target?: string | null;
  hostCount?: number | null;
  idempotencyKey?: string | null;
  upstreamRequestId?: string | null;
  /** e.g. `ok`, `denied`, `upstream_error`, `unknown`. */
  outcome: string;
  /** Small, secret-free JSON. */
  detail?: unknown;
}

export interface AuditEntry {
  id: number;
  at: Date;
  actor: string;
  tenantId: string | null;
  action: string;
  target: string | null;
  hostCount: number | null;
  idempotencyKey: string | null;
  upstreamRequestId: string | null;
  outcome: string;
  detail: unknown;
}

function toEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    id: Number(row.id),
    at: row.at,
    actor: row.actor,
    tenantId: row.tenant_id,
    action: row.action,
    target: row.target,
    hostCount: row.host_count,
    idempotencyKey: row.idempotency_key,
    upstreamRequestId: row.upstream_request_id,
    outcome: row.outcome,
    detail: row.detail,
  };
}

/** The audit log of writes: append-only. */
export function auditRepo(db: Kysely<Database>) {
  return {
    async append(entry: AuditEntryInput): Promise<AuditEntry> {
      const row = await db
        .insertInto('audit_log')
        .values({
          actor: entry.actor,
          tenant_id: entry.tenantId ?? null,
          action: entry.action,
          target: entry.target ?? null,
          host_count: entry.hostCount ?? null,
          idempotency_key: entry.idempotencyKey ?? null,
          upstream_request_id: entry.upstreamRequestId ?? null,
          outcome: entry.outcome,
          detail: toJson(entry.detail),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toEntry(row);
    },

    /**
     * The actor's entries, newest first; with `tenantId` (null included) only that tenant's: a
     * user name is unique within a tenant, not across them.
     */
    async listByActor(
      actor: string,
      { offset, limit }: PageArgs,
      { tenantId }: { tenantId?: string | null } = {},
    ): Promise<Page<AuditEntry>> {
      let base = db.selectFrom('audit_log').where('actor', '=', actor);
      if (tenantId !== undefined) base = base.where('tenant_id', tenantId === null ? 'is' : '=', tenantId);
      const [total, rows] = await Promise.all([
        base.select((eb) => eb.fn.countAll().as('count')).executeTakeFirst(),
        base.selectAll().orderBy('id', 'desc').offset(offset).limit(limit).execute(),
      ]);
      return { count: toCount(total), items: rows.map(toEntry) };
    },
  };
}

export type AuditRepo = ReturnType<typeof auditRepo>;
