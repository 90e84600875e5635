import { registerEnumType } from 'type-graphql';

/** What operateTicket does to a ticket (ITSM operate_ticket action_type, CONTRACTS.md §7.9). */
export enum TicketAction {
  SUSPEND = 'SUSPEND',
  UNSUSPEND = 'UNSUSPEND',
  WITHDRAW = 'WITHDRAW',
  TERMINATE = 'TERMINATE',
}

registerEnumType(TicketAction, {
  name: 'TicketAction',
  description: 'A ticket-level operation (ITSM operate_ticket, CONTRACTS.md §7.9).',
  valuesConfig: {
    SUSPEND: { description: 'Suspend the ticket (SUSPENDED); a message is required.' },
    UNSUSPEND: { description: 'Resume a suspended ticket where it was.' },
    WITHDRAW: { description: 'Withdraw it (REVOKED): ended, not approved.' },
    TERMINATE: { description: 'Terminate it (TERMINATED): ended, not approved; a message is required.' },
  },
});
