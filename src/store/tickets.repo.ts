import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, TicketsTable } from './database';
import { toCount, type Page, type PageArgs } from './page';

/** ITSM statuses after which a ticket never changes again. */
export const TERMINAL_TICKET_STATUSES: readonly string[] = ['FINISHED', 'TERMINATED', 'REVOKED'];

/** An ITSM ticket bk-graph created, as last learnt from ITSM. */
export interface Ticket {
  sn: string;
  serviceId: string;
  title: string;
  /** ITSM's current_status, e.g. RUNNING, FINISHED, TERMINATED, REVOKED. */
  status: string;
  approveResult: boolean | null;
  url: string | null;
  createdBy: string;
  tenantId: string | null;
  updatedBy: string | null;
  itsmUpdatedAt: Date | null;
  terminal: boolean;
  /** Bumped by every change, so subscribers can tell a repeat from news. */
  version: number;
  approvalId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewTicket {
  sn: string;
  serviceId: string;
  title: string;
  status: string;
  url?: string | null;
  createdBy: string;
  tenantId: string | null;
  approvalId?: string | null;
}

export interface TicketStatusUpdate {
  status: string;
  approveResult: boolean | null;
  updatedBy: string | null;
  itsmUpdatedAt: Date | null;
  /** Left as stored when omitted. */
  url?: string | null;
}

export interface TicketListArgs extends PageArgs {
  /** Only this creator's tickets; null or omitted: everyone's. */
  createdBy?: string | null;
  status?: string;
}

// Chunk of `sn in (...)`: well under Postgres's 65535 bind parameters.
const FILTER_CHUNK = 1000;

function toTicket(row: Selectable<TicketsTable>): Ticket {
  return {
    sn: row.sn,
    serviceId: row.service_id,
    title: row.title,
    status: row.status,
    approveResult: row.approve_result,
    url: row.url,
    createdBy: row.created_by,
    tenantId: row.tenant_id,
    updatedBy: row.updated_by,
    itsmUpdatedAt: row.itsm_updated_at,
    terminal: row.terminal,
    version: row.version,
    approvalId: row.approval_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function ticketsRepo(db: Kysely<Database>) {
  async function get(sn: string): Promise<Ticket | null> {
    const row = await db.selectFrom('tickets').selectAll().where('sn', '=', sn).executeTakeFirst();
    return row ? toTicket(row) : null;
  }

  return {
    /** Returns false when a ticket with this sn is already stored (which is then left as it is). */
    async insert(ticket: NewTicket): Promise<boolean> {
      const row = await db
        .insertInto('tickets')
        .values({
          sn: ticket.sn,
          service_id: ticket.serviceId,
          title: ticket.title,
          status: ticket.status,
          url: ticket.url ?? null,
          created_by: ticket.createdBy,
          tenant_id: ticket.tenantId,
          approval_id: ticket.approvalId ?? null,
          terminal: TERMINAL_TICKET_STATUSES.includes(ticket.status),
        })
        .onConflict((oc) => oc.column('sn').doNothing())
        .returning('sn')
        .executeTakeFirst();
      return row !== undefined;
    },

    get,

    /**
     * Compare-and-set of what ITSM reported (callback or reconcile, in any order, any number of
     * times). A terminal ticket never changes again; a report equal in status, approve result and
     * URL changes nothing (who and when alone are not news). A change bumps `version`. `row` is the
     * ticket as stored afterwards (null when unknown).
     */
    async applyStatus(
      sn: string,
      update: TicketStatusUpdate,
    ): Promise<{ changed: boolean; row: Ticket | null }> {
      const url = update.url;
      const row = await db
        .updateTable('tickets')
        .set((eb) => ({
          status: update.status,
          approve_result: update.approveResult,
          updated_by: update.updatedBy,
          itsm_updated_at: update.itsmUpdatedAt,
          url: url === undefined ? eb.ref('url') : url,
          terminal: TERMINAL_TICKET_STATUSES.includes(update.status),
          version: eb('version', '+', 1),
          updated_at: sql<Date>`now()`,
        }))
        .where('sn', '=', sn)
        .where('terminal', '=', false)
        .where((eb) =>
          eb.or([
            eb('status', 'is distinct from', update.status),
            eb('approve_result', 'is distinct from', update.approveResult),
            ...(url === undefined ? [] : [eb('url', 'is distinct from', url)]),
          ]),
        )
        .returningAll()
        .executeTakeFirst();
      if (row) return { changed: true, row: toTicket(row) };
      return { changed: false, row: await get(sn) };
    },

    /** Newest first. */
    async list({ createdBy, status, offset, limit }: TicketListArgs): Promise<Page<Ticket>> {
      let base = db.selectFrom('tickets');
      if (createdBy != null) base = base.where('created_by', '=', createdBy);
      if (status !== undefined) base = base.where('status', '=', status);
      const [total, rows] = await Promise.all([
        base.select((eb) => eb.fn.countAll().as('count')).executeTakeFirst(),
        base
          .selectAll()
          .orderBy('created_at', 'desc')
          .orderBy('sn', 'desc')
          .offset(offset)
          .limit(limit)
          .execute(),
      ]);
      return { count: toCount(total), items: rows.map(toTicket) };
    },

    /** The open tickets the reconcile loop asks ITSM about, least recently updated first. */
    async nonTerminalSns(limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom('tickets')
        .select('sn')
        .where('terminal', '=', false)
        .orderBy('updated_at')
        .limit(limit)
        .execute();
      return rows.map((r) => r.sn);
    },

    /** The subset of `sns` bk-graph created (ITSM's failed-callback list covers every app's tickets). */
    async filterOurs(sns: readonly string[]): Promise<string[]> {
      const ours: string[] = [];
      for (let i = 0; i < sns.length; i += FILTER_CHUNK) {
        const chunk = sns.slice(i, i + FILTER_CHUNK);
        const rows = await db.selectFrom('tickets').select('sn').where('sn', 'in', chunk).execute();
        ours.push(...rows.map((r) => r.sn));
      }
      return ours;
    },
  };
}

export type TicketsRepo = ReturnType<typeof ticketsRepo>;
