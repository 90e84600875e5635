import { registerEnumType } from 'type-graphql';

/** An ITSM ticket's current_status (CONTRACTS.md §7.3), by name; `Ticket.currentStatus` keeps ITSM's own. */
export enum TicketStatus {
  NEW = 'NEW',
  RUNNING = 'RUNNING',
  RESOLVED = 'RESOLVED',
  CONFIRMED = 'CONFIRMED',
  SUSPENDED = 'SUSPENDED',
  FINISHED = 'FINISHED',
  TERMINATED = 'TERMINATED',
  REVOKED = 'REVOKED',
  UNKNOWN = 'UNKNOWN',
}

registerEnumType(TicketStatus, {
  name: 'TicketStatus',
  description:
    "An ITSM ticket's status (current_status, CONTRACTS.md §7.3). Ended, never to change again: FINISHED, TERMINATED, REVOKED.",
  valuesConfig: {
    NEW: { description: 'Filed; its workflow has not started yet.' },
    RUNNING: { description: 'In progress (处理中): waiting for its current steps.' },
    RESOLVED: { description: 'Resolved, waiting for confirmation.' },
    CONFIRMED: { description: 'Confirmed.' },
    SUSPENDED: { description: 'Suspended (挂起) by operateTicket SUSPEND, until UNSUSPEND.' },
    FINISHED: {
      description:
        'Ended through its workflow (已完成). Approved only if approveResult is true as well (§7.7). Ended.',
    },
    TERMINATED: { description: 'Terminated (已终止): by TERMINATE or at a node. Ended, not approved.' },
    REVOKED: { description: 'Withdrawn by its creator (已撤销, WITHDRAW). Ended, not approved.' },
    UNKNOWN: {
      description:
        'A status of the service this version of bk-graph does not know (see currentStatus). Not a filter.',
    },
  },
});
