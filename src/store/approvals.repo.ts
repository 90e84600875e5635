import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { ApprovalState, ApprovalsTable, Database } from './database';
import { toJson } from './json';
import { toCount, type Page, type PageArgs } from './page';

/** A job plan execution waiting for (or past) an ITSM approval. */
export interface Approval {
  id: string;
  state: ApprovalState;
  ticketSn: string | null;
  bizId: string;
  planId: string;
  variables: unknown;
  /**
   * Ciphertext of the secret values `variables` leaves out (its PASSWORD variables'); only the
   * approvals worker opens it. Null when there is none, or once erased.
   */
  secrets: string | null;
  serviceId: string;
  reason: string;
  createdBy: string;
  tenantId: string | null;
  /** The jobs row of the execution, once started. */
  jobId: string | null;
  note: string | null;
  decidedBy: string | null;
  /** Bumped by every transition. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewApproval {
  /** @default crypto.randomUUID() */
  id?: string;
  /** @default 'PENDING' */
  state?: ApprovalState;
  ticketSn?: string | null;
  bizId: string;
  planId: string;
  variables?: unknown;
  /** @default null */
  secrets?: string | null;
  serviceId: string;
  reason: string;
  createdBy: string;
  tenantId: string | null;
}

export interface ApprovalPatch {
  jobId?: string | null;
  note?: string | null;
  decidedBy?: string | null;
  /** Erases `secrets` in the same update (the approval will not run again). */
  eraseSecrets?: boolean;
}

export interface ApprovalListArgs extends PageArgs {
  /** Only this creator's approvals; null or omitted: everyone's. */
  createdBy?: string | null;
  state?: ApprovalState;
}

function toApproval(row: Selectable<ApprovalsTable>): Approval {
  return {
    id: row.id,
    state: row.state,
    ticketSn: row.ticket_sn,
    bizId: row.biz_id,
    planId: row.plan_id,
    variables: row.variables,
    secrets: row.secrets,
    serviceId: row.service_id,
    reason: row.reason,
    createdBy: row.created_by,
    tenantId: row.tenant_id,
    jobId: row.job_id,
    note: row.note,
    decidedBy: row.decided_by,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function approvalsRepo(db: Kysely<Database>) {
  async function getBy(column: 'id' | 'ticket_sn', value: string): Promise<Approval | null> {
    const row = await db.selectFrom('approvals').selectAll().where(column, '=', value).executeTakeFirst();
    return row ? toApproval(row) : null;
  }

  return {
    async insert(approval: NewApproval): Promise<Approval> {
      const row = await db
        .insertInto('approvals')
        .values({
          id: approval.id ?? randomUUID(),
          state: approval.state ?? 'PENDING',
          ticket_sn: approval.ticketSn ?? null,
          biz_id: approval.bizId,
          plan_id: approval.planId,
          variables: toJson(approval.variables),
          secrets: approval.secrets ?? null,
          service_id: approval.serviceId,
          reason: approval.reason,
          created_by: approval.createdBy,
          tenant_id: approval.tenantId,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toApproval(row);
    },

    get: (id: string) => getBy('id', id),
    getByTicket: (sn: string) => getBy('ticket_sn', sn),

    /** Links the ITSM ticket once created. Set once: null when unknown or linked to another ticket. */
    async attachTicket(id: string, sn: string): Promise<Approval | null> {
      const row = await db
        .updateTable('approvals')
        .set({ ticket_sn: sn, updated_at: sql<Date>`now()` })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('ticket_sn', 'is', null), eb('ticket_sn', '=', sn)]))
        .returningAll()
        .executeTakeFirst();
      return row ? toApproval(row) : null;
    },

    /**
     * Compare-and-set on the state: moves to `to` only from one of `from`, and returns the row
     * afterwards, or null when the approval is unknown or in another state (someone else moved it
     * first). This is what makes an approved execution start at most once across replicas.
     */
    async transition(
      id: string,
      from: readonly ApprovalState[],
      to: ApprovalState,
      patch: ApprovalPatch = {},
    ): Promise<Approval | null> {
      if (from.length === 0) return null;
      const row = await db
        .updateTable('approvals')
        .set((eb) => ({
          state: to,
          version: eb('version', '+', 1),
          updated_at: sql<Date>`now()`,
          ...(patch.jobId !== undefined && { job_id: patch.jobId }),
          ...(patch.note !== undefined && { note: patch.note }),
          ...(patch.decidedBy !== undefined && { decided_by: patch.decidedBy }),
          ...(patch.eraseSecrets && { secrets: null }),
        }))
        .where('id', '=', id)
        .where('state', 'in', from)
        .returningAll()
        .executeTakeFirst();
      return row ? toApproval(row) : null;
    },

    /**
     * Erases the secrets of approvals in `state` unchanged for `olderThanMs` (the database's clock);
     * resolves to how many were erased.
     */
    async eraseStaleSecrets(state: ApprovalState, olderThanMs: number): Promise<number> {
      const r = await db
        .updateTable('approvals')
        .set({ secrets: null })
        .where('state', '=', state)
        .where('secrets', 'is not', null)
        .where('updated_at', '<', sql<Date>`now() - ${olderThanMs}::float8 * interval '1 millisecond'`)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },

    /** Newest first. */
    async list({ createdBy, state, offset, limit }: ApprovalListArgs): Promise<Page<Approval>> {
      let base = db.selectFrom('approvals');
      if (createdBy != null) base = base.where('created_by', '=', createdBy);
      if (state !== undefined) base = base.where('state', '=', state);
      const [total, rows] = await Promise.all([
        base.select((eb) => eb.fn.countAll().as('count')).executeTakeFirst(),
        base
          .selectAll()
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .offset(offset)
          .limit(limit)
          .execute(),
      ]);
      return { count: toCount(total), items: rows.map(toApproval) };
    },
  };
}

export type ApprovalsRepo = ReturnType<typeof approvalsRepo>;
