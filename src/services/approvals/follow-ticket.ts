import type { Approval, StoreTransaction, Ticket } from '../../store';

/** What a ticket's change did to its approval, for publishing once committed. */
export interface ApprovalChange {
  approval: Approval;
  /** The approval was queued for execution: wake the workers. */
  queued: boolean;
}

/** §7.7: approved ⇔ the ticket FINISHED and ITSM's approve_result is true. */
export function isApproved(ticket: Pick<Ticket, 'status' | 'approveResult'>): boolean {
  return ticket.status === 'FINISHED' && ticket.approveResult === true;
}

/**
 * Moves a PENDING approval along with its ticket, in the transaction that stored the ticket's
 * change (so a stored decision and its approval never part, whichever path brought it: callback,
 * reconcile or a read): approved → APPROVED plus an outbox entry; ended any other way (rejected,
 * terminated, withdrawn) → REJECTED. An open ticket changes nothing; an approval past PENDING is
 * never moved back (the compare-and-set sees to it).
 */
export async function followTicket(tx: StoreTransaction, ticket: Ticket): Promise<ApprovalChange | null> {
  if (!ticket.approvalId || !ticket.terminal) return null;
  if (isApproved(ticket)) {
    const approval = await tx.approvals.transition(ticket.approvalId, ['PENDING'], 'APPROVED');
    if (!approval) return null;
    await tx.outbox.enqueue(approval.id);
    return { approval, queued: true };
  }
  // A rejected run never runs: its secrets go with the decision.
  const approval = await tx.approvals.transition(ticket.approvalId, ['PENDING'], 'REJECTED', {
    eraseSecrets: true,
  });
  return approval ? { approval, queued: false } : null;
}

/** The event payload of an approval. */
export function approvalEvent(a: Approval): Record<string, unknown> {
  return { id: a.id, state: a.state, version: a.version, jobId: a.jobId };
}
