import { OutcomeUnknownError } from '../../errors';
import type { EventBus } from '../../events';
import type { NewApproval, Store, Ticket } from '../../store';
import type { ItsmClient } from '../../upstream/itsm';
import type { Actor } from '../actor';
import { approvalEvent } from '../approvals/follow-ticket';
import { failedOutcome, type AuditLog } from '../audit';
import { earlyCallbacks, inboxHighWater, settleInboxRow } from './callback-inbox';
import { errorName } from './error-name';
import type { ServiceLogger } from './logger';
import { publishSafely } from './publish';
import { actorContext } from './service-account';
import { withStore } from './store-guard';
import type { ValidTicketInput } from './ticket-input';
import { ticketEvent, type TicketSync } from './ticket-sync';
import { approvalTopic, ticketTopic } from './topics';
import { beforeWrite, writeOutcome } from './write-outcome';

/** The approval a ticket is filed for; its id is made by the caller, so the ticket row can name it. */
export type LinkedApproval = NewApproval & { id: string };

export interface TicketFilingDeps {
  store: Store;
  itsm: ItsmClient;
  events: EventBus;
  logger: ServiceLogger;
  audit: AuditLog;
  sync: TicketSync;
  /** `${PUBLIC_URL}/callbacks/itsm`. */
  /** Where ITSM calls back, read at each ticket. */
  callbackUrl: () => string;
}

export type FileTicket = (
  actor: Actor,
  input: ValidTicketInput,
  options: { approval?: LinkedApproval; key: string | null },
) => Promise<Ticket>;

/**
 * Files one ITSM ticket as the actor (create_ticket, never retried), then stores it (with its
 * approval, in one transaction), audits and publishes it, and applies any callback ITSM sent
 * before the ticket was stored.
 */
export function createTicketFiling(d: TicketFilingDeps): FileTicket {
  const { store, itsm, events, logger, audit, sync } = d;

  /**
   * ITSM can decide a ticket and call back before create_ticket's answer is stored; the route then
   * keeps the verified callback in the inbox and answers 404. Whichever of the two writes second
   * sees the other's row, so either the route or this applies the decision (both is harmless).
   */
  async function applyEarlyCallbacks(sn: string, highWater: number): Promise<Ticket | null> {
    try {
      const ids = await earlyCallbacks(store, sn, highWater);
      if (ids.length === 0) return null;
      const [result] = await sync.settle([sn], 'itsm-early-callback');
      for (const id of ids) await settleInboxRow(store, id, 'applied_after_create');
      return result?.ticket ?? null;
    } catch (error) {
      // The reconcile loop asks ITSM about every open ticket, so this is repaired within a round.
      logger.warn({ sn, error: errorName(error) }, 'early ITSM callback not applied yet');
      return null;
    }
  }

  return async (actor, input, { approval, key }) => {
    const action = approval ? 'requestJobPlanExecution' : 'createTicket';
    const highWater = await beforeWrite(() => withStore(action, () => inboxHighWater(store)));
    let created;
    try {
      created = await itsm.createTicket(
        {
          serviceId: input.serviceId,
          creator: actor.username,
          title: input.title,
          fields: input.fields,
          callbackUrl: d.callbackUrl(),
        },
        actorContext(actor),
      );
    } catch (error) {
      await audit.record(actor, {
        action,
        target: approval
          ? `plan ${approval.planId} in business ${approval.bizId}`
          : `a ticket of service ${input.serviceId}`,
        idempotencyKey: key,
        outcome: writeOutcome(error) === 'unknown' ? 'unknown' : failedOutcome(error),
        detail: { serviceId: input.serviceId, ...(approval ? { approvalId: approval.id } : {}) },
      });
      throw error;
    }
    const { sn } = created;
    let ticket: Ticket | null;
    try {
      ticket = await store.transaction(async (tx) => {
        if (approval) await tx.approvals.insert({ ...approval, ticketSn: sn });
        await tx.tickets.insert({
          sn,
          serviceId: input.serviceId,
          title: input.title,
          status: 'RUNNING',
          url: created.url,
          createdBy: actor.username,
          tenantId: actor.tenantId,
          approvalId: approval?.id ?? null,
        });
        return tx.tickets.get(sn);
      });
    } catch (error) {
      logger.error({ sn, error: errorName(error) }, 'ITSM created a ticket that could not be stored');
      ticket = null;
    }
    if (!ticket) {
      throw new OutcomeUnknownError(
        `ITSM created ticket ${sn}, but bk-graph could not store it, so it will not follow that ticket`,
        { sn },
      );
    }
    await audit.record(actor, {
      action,
      target: approval ? `plan ${approval.planId} in business ${approval.bizId}` : `ticket ${sn}`,
      idempotencyKey: key,
      outcome: 'ok',
      detail: { sn, serviceId: input.serviceId, ...(approval ? { approvalId: approval.id } : {}) },
    });
    await publishSafely(events, logger, ticketTopic(sn), ticketEvent(ticket));
    if (approval) {
      const stored = await store.approvals.get(approval.id).catch(() => null);
      if (stored) await publishSafely(events, logger, approvalTopic(stored.id), approvalEvent(stored));
    }
    return (await applyEarlyCallbacks(sn, highWater)) ?? ticket;
  };
}
