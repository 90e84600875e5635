import { randomUUID } from 'node:crypto';
import { BadUserInputError, NotFoundError } from '../../errors';
import type { EventBus } from '../../events';
import type { Approval, Page, Store } from '../../store';
import type { Clients } from '../../upstream/clients';
import type { Actor } from '../actor';
import { createAuditLog, failedOutcome, type AuditLog } from '../audit';
import { callOnce, type IdempotencyOptions } from '../tickets/idempotent-call';
import { parseInput } from '../tickets/input';
import type { ServiceLogger } from '../tickets/logger';
import { publishSafely } from '../tickets/publish';
import { withStore } from '../tickets/store-guard';
import { createTicketSchema, idempotencyKeySchema } from '../tickets/ticket-input';
import type { TicketService } from '../tickets/ticket-service';
import { APPROVAL_OUTBOX_TOPIC, approvalTopic } from '../tickets/topics';
import { isAdmin, maySee } from '../tickets/visibility';
import { beforeWrite } from '../tickets/write-outcome';
import {
  approvalIdSchema,
  approvalListSchema,
  requestExecutionSchema,
  resolveSchema,
  type ApprovalDecision,
  type RequestExecutionInput,
} from './approval-input';
import { approvalEvent } from './follow-ticket';
import { requeue } from './outbox-requeue';
import { describePlanRun } from './plan-description';
import { lookUpPlan } from './plan-lookup';
import { fingerprintInput, hasSealedVariables, sealVariables } from './sealed-variables';
import type { SecretBox } from './secret-box';

export interface ApprovalServiceOptions {
  store: Store;
  clients: Pick<Clients, 'job' | 'cmdb'>;
  events: EventBus;
  /** Files the approval's ticket (and stores the approval with it). */
  tickets: TicketService;
  /** The ITSM service of approval tickets when a request names none; null: the request must. */
  defaultServiceId?: string | null;
  /** @default [] */
  admins?: readonly string[];
  /** @default an audit log over `store` */
  audit?: AuditLog;
  logger: ServiceLogger;
  idempotency?: IdempotencyOptions;
  /** Seals the run's password values before they are stored (the worker's box must open them). */
  secrets: SecretBox;
}

export interface ApprovalListArgs {
  state?: string | null;
  offset?: number;
  limit?: number;
}

export interface ApprovalService {
  /**
   * Files an ITSM ticket describing the plan run and stores an approval in PENDING; the run starts
   * once ITSM approves (see startApprovalWorker). At most once per idempotency key.
   */
  requestJobPlanExecution(
    actor: Actor,
    input: RequestExecutionInput,
    options?: { idempotencyKey?: string | null },
  ): Promise<Approval>;
  /** Null when unknown or not the actor's (admins see all). */
  get(actor: Actor, id: string): Promise<Approval | null>;
  /** The actor's approvals (an admin's: everyone's), newest first. */
  list(actor: Actor, args?: ApprovalListArgs): Promise<Page<Approval>>;
  /**
   * An operator settles an approval the worker could not: MARK_EXECUTED or MARK_FAILED an
   * AMBIGUOUS one, RUN_AGAIN an AMBIGUOUS or FAILED one (a new run under a new key). Creator or
   * admin only; the note is required and audited.
   */
  resolveApproval(actor: Actor, id: string, decision: ApprovalDecision, note: string): Promise<Approval>;
}

const FROM: Record<ApprovalDecision, Approval['state'][]> = {
  RUN_AGAIN: ['AMBIGUOUS', 'FAILED'],
  MARK_EXECUTED: ['AMBIGUOUS'],
  MARK_FAILED: ['AMBIGUOUS'],
};

export function createApprovalService(options: ApprovalServiceOptions): ApprovalService {
  const { store, clients, events, tickets, logger, idempotency, secrets } = options;
  const admins = new Set(options.admins ?? []);
  const audit = options.audit ?? createAuditLog({ store, logger });

  async function publish(approval: Approval, queued = false) {
    await publishSafely(events, logger, approvalTopic(approval.id), approvalEvent(approval));
    if (queued) await publishSafely(events, logger, APPROVAL_OUTBOX_TOPIC, { id: approval.id });
  }

  async function visible(actor: Actor, rawId: string, field: string): Promise<Approval | null> {
    const id = parseInput(approvalIdSchema, rawId, field);
    const row = await withStore('approval', () => store.approvals.get(id));
    return row && maySee(actor, row, admins) ? row : null;
  }

  return {
    async requestJobPlanExecution(actor, rawInput, { idempotencyKey } = {}) {
      const input = parseInput(requestExecutionSchema, rawInput);
      const key = parseInput(idempotencyKeySchema, idempotencyKey, 'input.idempotencyKey');
      const serviceId = input.serviceId ?? options.defaultServiceId ?? null;
      if (!serviceId) {
        throw new BadUserInputError(
          'input.serviceId: no default approval service is configured',
          'input.serviceId',
        );
      }
      const target = `plan ${input.planId} in business ${input.businessId}`;
      return callOnce(
        store,
        actor,
        key,
        {
          operation: 'requestJobPlanExecution',
          // Only its hash is stored; variable values go in as keyed digests (sealed-variables.ts).
          input: fingerprintInput(secrets, { ...input, serviceId }),
          call: async () => {
            const id = randomUUID();
            const { plan, businessName, effective, toLaunch } = await beforeWrite(() =>
              lookUpPlan(clients, actor, input).catch(async (error: unknown) => {
                await audit.record(actor, {
                  action: 'requestJobPlanExecution',
                  target,
                  idempotencyKey: key ?? null,
                  outcome: failedOutcome(error),
                });
                throw error;
              }),
            );
            const described = describePlanRun({
              plan,
              businessId: input.businessId,
              businessName,
              variables: effective,
              reason: input.reason,
              requestedBy: actor.username,
              approvalId: id,
            });
            const ticketInput = parseInput(createTicketSchema, { serviceId, ...described }, 'ticket');
            const sealed = sealVariables(secrets, id, effective, toLaunch);
            const ticket = await tickets.fileForApproval(
              actor,
              ticketInput,
              {
                id,
                bizId: input.businessId,
                planId: input.planId,
                variables: sealed.variables,
                secrets: sealed.secrets,
                serviceId,
                reason: input.reason,
                createdBy: actor.username,
                tenantId: actor.tenantId,
              },
              key ?? null,
            );
            return { approvalId: id, sn: ticket.sn };
          },
        },
        async ({ approvalId }) => {
          const approval = await withStore('approval', () => store.approvals.get(approvalId));
          if (!approval)
            throw new NotFoundError(`approval ${approvalId} of this idempotency key is no longer stored`);
          return approval;
        },
        idempotency,
      );
    },

    get: (actor, id) => visible(actor, id, 'id'),

    async list(actor, args = {}) {
      const { state, offset, limit } = parseInput(approvalListSchema, args, 'args');
      const createdBy = isAdmin(actor, admins) ? null : actor.username;
      return withStore('approvals', () =>
        store.approvals.list({ createdBy, ...(state ? { state } : {}), offset, limit }),
      );
    },

    async resolveApproval(actor, rawId, rawDecision, rawNote) {
      const { id, decision, note } = parseInput(
        resolveSchema,
        { id: rawId, decision: rawDecision, note: rawNote },
        '',
      );
      const current = await visible(actor, id, 'id');
      if (!current) throw new NotFoundError(`no approval ${id} is visible to you`);
      const from = FROM[decision];
      if (!from.includes(current.state)) {
        throw new BadUserInputError(
          `decision: ${decision} applies to ${from.join(' or ')} approvals; this one is ${current.state}`,
          'decision',
        );
      }
      if (decision === 'RUN_AGAIN' && hasSealedVariables(current) && current.secrets === null) {
        throw new BadUserInputError(
          'decision: the password values of this run were erased (it failed long ago); request a new approval',
          'decision',
        );
      }
      // MARK_EXECUTED settles it for good: its secrets go. MARK_FAILED keeps them, as the worker's
      // FAILED does, for a RUN_AGAIN (the worker erases a FAILED approval's after a while).
      const patch = { note, decidedBy: actor.username, eraseSecrets: decision === 'MARK_EXECUTED' };
      const next = await withStore('resolveApproval', () =>
        decision === 'RUN_AGAIN'
          ? store.transaction(async (tx) => {
              // Back to APPROVED and into the outbox: the worker runs it under a new key (run-key.ts).
              const moved = await tx.approvals.transition(id, from, 'APPROVED', patch);
              if (moved) await requeue(tx, id);
              return moved;
            })
          : store.approvals.transition(id, from, decision === 'MARK_EXECUTED' ? 'EXECUTED' : 'FAILED', patch),
      );
      if (!next) {
        const now = await store.approvals.get(id).catch(() => null);
        throw new BadUserInputError(
          `decision: the approval changed meanwhile (now ${now?.state ?? 'unknown'}); read it and decide again`,
          'decision',
        );
      }
      await audit.record(actor, {
        action: 'resolveApproval',
        target: `approval ${id}`,
        outcome: 'ok',
        detail: { decision, note, from: current.state, to: next.state },
      });
      await publish(next, decision === 'RUN_AGAIN');
      return next;
    },
  };
}
