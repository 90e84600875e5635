import type { EventBus } from '../../events';
import { TERMINAL_TICKET_STATUSES, type Store, type Ticket, type TicketStatusUpdate } from '../../store';
import type { Ticket as ItsmTicket } from '../../upstream/domain';
import { chunk } from '../../upstream/mapping';
import type { ItsmClient } from '../../upstream/itsm';
import { approvalEvent, followTicket, type ApprovalChange } from '../approvals/follow-ticket';
import type { ServiceLogger } from './logger';
import { publishSafely } from './publish';
import { verifiedContext, type ItsmServiceAccount } from './service-account';
import { APPROVAL_OUTBOX_TOPIC, approvalTopic, ticketTopic } from './topics';

/** What ITSM says about a ticket: ticket_approval_result's row, or get_ticket_status for open tickets. */
export type TicketFacts = Pick<
  ItsmTicket,
  'sn' | 'status' | 'approveResult' | 'url' | 'updatedBy' | 'updatedAt'
>;

export interface ApplyResult {
  sn: string;
  /** Whether the stored ticket changed (false: a repeat, an older report, or an ended ticket). */
  changed: boolean;
  /** The ticket as stored afterwards; null when bk-graph has no such ticket. */
  ticket: Ticket | null;
  approval: ApprovalChange | null;
}

export interface TicketSyncOptions {
  store: Store;
  itsm: ItsmClient;
  events: EventBus;
  logger: ServiceLogger;
  serviceAccount: ItsmServiceAccount;
  /**
   * Sns per ticket_approval_result call.
   * @default 100
   */
  batchSize?: number;
}

/**
 * The one way ITSM's facts reach the stored tickets (callbacks, the reconcile loop, reads and the
 * creating request all come through here): compare-and-set on the ticket, the approval following
 * in the same transaction, then the events.
 */
export interface TicketSync {
  /**
   * Asks ITSM (ticket_approval_result, as the service account) about those of `sns` bk-graph
   * created, in batches, and applies every answer. Sns of other apps are dropped before the call:
   * asking about them would acknowledge their failed callbacks (CONTRACTS.md §7.6). Throws the
   * first failed batch's error.
   */
  settle(sns: readonly string[], purpose: string): Promise<ApplyResult[]>;
  /** Applies one report. Decisions (ended tickets) must come from ticket_approval_result. */
  apply(facts: TicketFacts): Promise<ApplyResult>;
}

/**
 * The stored form of a report, or null when it cannot be applied. An open ticket has no decision
 * yet (approve_result is null, not ITSM's `false`); an ended one has ITSM's. A FINISHED report
 * without approve_result is not applied: storing it would end the ticket undecided, for good.
 */
export function toStatusUpdate(f: TicketFacts): TicketStatusUpdate | null {
  const terminal = TERMINAL_TICKET_STATUSES.includes(f.status);
  if (f.status === 'FINISHED' && f.approveResult === null) return null;
  return {
    status: f.status,
    // TERMINATED and REVOKED are never approved (§7.7), whatever a report says.
    approveResult: terminal ? f.status === 'FINISHED' && f.approveResult === true : null,
    updatedBy: f.updatedBy,
    itsmUpdatedAt: f.updatedAt,
    ...(f.url ? { url: f.url } : {}),
  };
}

export function ticketEvent(t: Ticket): Record<string, unknown> {
  return { sn: t.sn, status: t.status, approveResult: t.approveResult, version: t.version };
}

export function createTicketSync({
  store,
  itsm,
  events,
  logger,
  serviceAccount,
  batchSize = 100,
}: TicketSyncOptions): TicketSync {
  async function apply(facts: TicketFacts): Promise<ApplyResult> {
    const update = toStatusUpdate(facts);
    if (!update) {
      logger.warn({ sn: facts.sn, status: facts.status }, 'ITSM report without a decision not applied');
      return { sn: facts.sn, changed: false, ticket: await store.tickets.get(facts.sn), approval: null };
    }
    const result = await store.transaction(async (tx) => {
      const { changed, row } = await tx.tickets.applyStatus(facts.sn, update);
      const approval = changed && row ? await followTicket(tx, row) : null;
      return { sn: facts.sn, changed, ticket: row, approval };
    });
    if (result.changed && result.ticket) {
      await publishSafely(events, logger, ticketTopic(result.sn), ticketEvent(result.ticket));
    }
    if (result.approval) {
      const { approval, queued } = result.approval;
      await publishSafely(events, logger, approvalTopic(approval.id), approvalEvent(approval));
      if (queued) await publishSafely(events, logger, APPROVAL_OUTBOX_TOPIC, { id: approval.id });
    }
    return result;
  }

  async function settle(sns: readonly string[], purpose: string): Promise<ApplyResult[]> {
    const ours = await store.tickets.filterOurs([...new Set(sns)]);
    const results: ApplyResult[] = [];
    for (const batch of chunk(ours, batchSize)) {
      const reports = await itsm.approvalResults(batch, verifiedContext(serviceAccount, purpose));
      for (const report of reports) {
        // ITSM answers for the sns asked; anything else is not ours to apply.
        if (batch.includes(report.sn)) results.push(await apply(report));
      }
    }
    return results;
  }

  return { apply, settle };
}
