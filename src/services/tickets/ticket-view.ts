import type { Ticket } from '../../store';
import type { TicketDetail, TicketOperation, TicketStatus } from '../../upstream/domain';

/** What ITSM says about an open ticket right now: its current steps and who may act on them. */
export interface TicketLive {
  /** Current steps, each with its processors and the operations they may use. */
  steps: TicketStatus['steps'];
  /** Ticket-level operations (SUSPEND, UNSUSPEND, WITHDRAW, TERMINATE) and whether they are open. */
  operations: TicketOperation[];
  /** The ticket's form as ITSM keeps it. */
  fields: TicketDetail['fields'];
}

/** A stored ticket, with ITSM's live view when it was refreshed (null: not asked, or ITSM failed). */
export interface TicketView extends Ticket {
  live: TicketLive | null;
}
