import { TERMINAL_TICKET_STATUSES, type Ticket } from '../../store';
import type { ItsmClient } from '../../upstream/itsm';
import type { Actor } from '../actor';
import { errorName } from './error-name';
import type { ServiceLogger } from './logger';
import { actorContext } from './service-account';
import type { TicketSync } from './ticket-sync';
import type { TicketView } from './ticket-view';

export interface RefreshDeps {
  itsm: ItsmClient;
  sync: TicketSync;
  logger: ServiceLogger;
}

/**
 * A stored ticket with ITSM's live view (get_ticket_status and get_ticket_info, as the actor),
 * applying a status change it shows. Stale but stored beats nothing: when ITSM fails the stored
 * ticket is returned with `live: null`.
 */
export async function refreshTicket(
  { itsm, sync, logger }: RefreshDeps,
  actor: Actor,
  row: Ticket,
): Promise<TicketView> {
  let status, info;
  try {
    [status, info] = await Promise.all([
      itsm.ticketStatus(row.sn, actorContext(actor)),
      itsm.ticketInfo(row.sn, actorContext(actor)),
    ]);
  } catch (error) {
    logger.warn({ sn: row.sn, error: errorName(error) }, 'ticket not refreshed from ITSM');
    return { ...row, live: null };
  }
  let current = row;
  if (!row.terminal && (status.status !== row.status || (status.url && status.url !== row.url))) {
    try {
      if (TERMINAL_TICKET_STATUSES.includes(status.status)) {
        // An ended ticket's decision is taken from ticket_approval_result only (§7.7).
        const [result] = await sync.settle([row.sn], 'ticket-read');
        current = result?.ticket ?? row;
      } else {
        const result = await sync.apply({
          sn: row.sn,
          status: status.status,
          approveResult: null,
          url: status.url,
          updatedBy: info.updatedBy,
          updatedAt: info.updatedAt,
        });
        current = result.ticket ?? row;
      }
    } catch (error) {
      logger.warn({ sn: row.sn, error: errorName(error) }, 'ticket change not stored');
    }
  }
  return { ...current, live: { steps: status.steps, operations: status.operations, fields: info.fields } };
}
