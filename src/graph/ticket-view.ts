import { BadUserInputError } from '../errors';
import type { Actor } from '../services';
import type { TicketLive, TicketService, TicketView } from '../services/tickets';
import type { Ticket } from '../store';

/**
 * An ITSM ticket as the `Ticket` type resolves it: the stored row in the schema's names, and ITSM's
 * live view (current steps, operations, form) when this answer already read it. A node that was
 * not refreshed reads it only if the query asks for one of those fields, once per node.
 */
export interface TicketNode {
  sn: string;
  serviceId: string;
  title: string;
  status: TicketStatusName;
  currentStatus: string;
  ended: boolean;
  approveResult: boolean | null;
  url: string | null;
  createdBy: string;
  createdAt: Date;
  updatedBy: string | null;
  updatedAt: Date | null;
  version: number;
  /** The approval this ticket gates, if any. */
  approvalId: string | null;
  /** ITSM's live view: undefined = not read for this node yet; null = ITSM could not be asked. */
  live: TicketLive | null | undefined;
}

const STATUSES = [
  'NEW',
  'RUNNING',
  'RESOLVED',
  'CONFIRMED',
  'SUSPENDED',
  'FINISHED',
  'TERMINATED',
  'REVOKED',
] as const;
export type TicketStatusName = (typeof STATUSES)[number] | 'UNKNOWN';

/** ITSM's current_status by the schema's name; a service's own status is UNKNOWN. */
export function ticketStatusName(status: string): TicketStatusName {
  return (STATUSES as readonly string[]).includes(status) ? (status as TicketStatusName) : 'UNKNOWN';
}

/** `live` as read with the row (`ticket(sn)`, operateTicket), or left to be read when asked. */
export function toTicketNode(row: Ticket, live?: TicketLive | null): TicketNode {
  return {
    sn: row.sn,
    serviceId: row.serviceId,
    title: row.title,
    status: ticketStatusName(row.status),
    currentStatus: row.status,
    ended: row.terminal,
    approveResult: row.approveResult,
    url: row.url,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedBy: row.updatedBy,
    updatedAt: row.itsmUpdatedAt,
    version: row.version,
    approvalId: row.approvalId,
    live,
  };
}

/** A ticket the service answered refreshed from ITSM (its `live` is known, null when ITSM failed). */
export const refreshedTicketNode = (view: TicketView): TicketNode => toTicketNode(view, view.live);

/** The live views read for nodes of this answer: one ITSM read per node, whatever it selects. */
const liveViews = new WeakMap<TicketNode, Promise<TicketLive | null>>();

/**
 * ITSM's live view of the node's ticket (get_ticket_status and get_ticket_info as the caller),
 * read at most once per node; null when ITSM could not be asked or the ticket is no longer visible.
 */
export function ticketLive(
  tickets: Pick<TicketService, 'get'>,
  actor: Actor,
  node: TicketNode,
): TicketLive | null | Promise<TicketLive | null> {
  if (node.live !== undefined) return node.live;
  let live = liveViews.get(node);
  if (!live) {
    live = tickets.get(actor, node.sn, { refresh: true }).then((view) => view?.live ?? null);
    liveViews.set(node, live);
  }
  return live;
}

/** What a field of the live view resolves to: `pick(live)`, or null when ITSM could not be asked. */
export function fromLive<R>(
  tickets: Pick<TicketService, 'get'>,
  actor: Actor,
  node: TicketNode,
  pick: (live: TicketLive) => R,
): R | null | Promise<R | null> {
  const live = ticketLive(tickets, actor, node);
  if (live instanceof Promise) return live.then((l) => (l ? pick(l) : null));
  return live ? pick(live) : null;
}

/** The most tickets one `tickets` page returns (the tickets service's bound). */
export const MAX_TICKET_PAGE = 1000;

/** A form value as text: strings as they are, anything else as JSON; null when empty. */
export function fieldValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The status filter of `tickets(status, …)` as the tickets service takes it. UNKNOWN stands for
 * statuses bk-graph does not know, which no filter can name: BAD_USER_INPUT.
 */
export function ticketStatusFilter(status: string | null | undefined): string | null {
  if (status === 'UNKNOWN')
    throw new BadUserInputError('`status` UNKNOWN is not a filter: name a status ITSM reports', 'status');
  return status ?? null;
}
