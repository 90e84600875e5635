import { z } from 'zod';
import { BadUserInputError, NotFoundError, OutcomeUnknownError } from '../../errors';
import type { EventBus } from '../../events';
import type { Page, Store, Ticket } from '../../store';
import type { Clients } from '../../upstream/clients';
import type { ItsmService } from '../../upstream/domain';
import type { Actor } from '../actor';
import { createAuditLog, failedOutcome, type AuditLog } from '../audit';
import { callOnce, type IdempotencyOptions } from './idempotent-call';
import { parseInput } from './input';
import type { ServiceLogger } from './logger';
import { actorContext, type ItsmServiceAccount } from './service-account';
import { withStore } from './store-guard';
import { createTicketFiling, type LinkedApproval } from './ticket-filing';
import {
  createTicketSchema,
  idempotencyKeySchema,
  operateTicketSchema,
  pageSchema,
  snSchema,
  type CreateTicketInput,
  type OperateTicketInput,
  type ValidTicketInput,
} from './ticket-input';
import { refreshTicket } from './ticket-refresh';
import { createTicketSync, type TicketSync } from './ticket-sync';
import type { TicketView } from './ticket-view';
import { isAdmin, maySee } from './visibility';
import { writeOutcome } from './write-outcome';

export type { LinkedApproval } from './ticket-filing';

export interface TicketServiceOptions {
  store: Store;
  clients: Pick<Clients, 'itsm'>;
  events: EventBus;
  /**
   * `PUBLIC_URL`: ITSM calls back at `${publicUrl}/callbacks/itsm`. A function is read at each
   * ticket, for a server that learns its address only once it listens.
   */
  publicUrl: string | (() => string);
  /** bk-graph's own ITSM identity, for confirming decisions (see ItsmServiceAccount). */
  serviceAccount: ItsmServiceAccount;
  /**
   * Users who see and may operate every ticket bk-graph created (in sandbox mode: `admin`).
   * @default []
   */
  admins?: readonly string[];
  /** @default an audit log over `store` */
  audit?: AuditLog;
  logger: ServiceLogger;
  idempotency?: IdempotencyOptions;
}

export interface TicketListArgs {
  status?: string | null;
  offset?: number;
  limit?: number;
}

export interface TicketService {
  /** Files an ITSM ticket as the actor (its creator), at most once per idempotency key. */
  create(
    actor: Actor,
    input: CreateTicketInput,
    options?: { idempotencyKey?: string | null },
  ): Promise<Ticket>;
  /**
   * A ticket bk-graph created, refreshed from ITSM (status, current steps, who may act) unless
   * `refresh` is false; null when bk-graph did not create it or the actor may not see it.
   */
  get(actor: Actor, sn: string, options?: { refresh?: boolean }): Promise<TicketView | null>;
  /** The tickets bk-graph created: the actor's own, or everyone's for an admin. Newest first. */
  list(actor: Actor, args?: TicketListArgs): Promise<Page<Ticket>>;
  /** ITSM's services (get_services) as the actor sees them: what `createTicket` may name. */
  services(actor: Actor): Promise<ItsmService[]>;
  /** SUSPEND, UNSUSPEND, WITHDRAW or TERMINATE one of our tickets as the actor; never retried. */
  operate(actor: Actor, input: OperateTicketInput): Promise<TicketView>;
  /**
   * For the approvals service: files a validated ticket and stores `approval` (linked to it) in the
   * transaction that stores the ticket. No idempotency key here: the caller's covers both.
   */
  fileForApproval(
    actor: Actor,
    input: ValidTicketInput,
    approval: LinkedApproval,
    idempotencyKey?: string | null,
  ): Promise<Ticket>;
  /** How ITSM's facts reach the store; shared with the callback route and the reconcile loop. */
  readonly sync: TicketSync;
}

const statusFilter = z
  .string()
  .regex(/^[A-Z_]{1,32}$/, 'must be an ITSM status such as RUNNING')
  .nullish();

export function createTicketService(options: TicketServiceOptions): TicketService {
  const { store, clients, events, publicUrl, serviceAccount, logger, idempotency } = options;
  const { itsm } = clients;
  const admins = new Set(options.admins ?? []);
  const audit = options.audit ?? createAuditLog({ store, logger });
  const sync = createTicketSync({ store, itsm, events, logger, serviceAccount });
  const callbackUrl = () =>
    `${(typeof publicUrl === 'function' ? publicUrl() : publicUrl).replace(/\/+$/, '')}/callbacks/itsm`;

  const file = createTicketFiling({ store, itsm, events, logger, audit, sync, callbackUrl });
  const refresh = (actor: Actor, row: Ticket) => refreshTicket({ itsm, sync, logger }, actor, row);

  async function get(
    actor: Actor,
    rawSn: string,
    { refresh: fresh = true } = {},
  ): Promise<TicketView | null> {
    const sn = parseInput(snSchema, rawSn, 'sn');
    const row = await withStore('ticket', () => store.tickets.get(sn));
    if (!row || !maySee(actor, row, admins)) return null;
    return fresh ? refresh(actor, row) : { ...row, live: null };
  }

  return {
    sync,
    get,

    async create(actor, rawInput, { idempotencyKey } = {}) {
      const input = parseInput(createTicketSchema, rawInput);
      const key = parseInput(idempotencyKeySchema, idempotencyKey, 'input.idempotencyKey');
      return callOnce(
        store,
        actor,
        key,
        {
          operation: 'createTicket',
          input,
          call: async () => ({ sn: (await file(actor, input, { key: key ?? null })).sn }),
        },
        async ({ sn }) => {
          const ticket = await withStore('createTicket', () => store.tickets.get(sn));
          if (!ticket) throw new NotFoundError(`ticket ${sn} of this idempotency key is no longer stored`);
          return ticket;
        },
        idempotency,
      );
    },

    services: (actor) => itsm.services({}, actorContext(actor)),

    async list(actor, args = {}) {
      const page = parseInput(pageSchema, { offset: args.offset, limit: args.limit }, 'args');
      const status = parseInput(statusFilter, args.status, 'status') ?? undefined;
      // The store lists by creator only; an admin sees every tenant's (a tenant filter belongs there).
      const createdBy = isAdmin(actor, admins) ? null : actor.username;
      return withStore('tickets', () => store.tickets.list({ createdBy, status, ...page }));
    },

    async operate(actor, rawInput) {
      const input = parseInput(operateTicketSchema, rawInput);
      const row = await withStore('operateTicket', () => store.tickets.get(input.sn));
      if (!row || !maySee(actor, row, admins)) {
        throw new NotFoundError(`no ticket ${input.sn} created through bk-graph is visible to you`);
      }
      if (row.terminal) {
        throw new BadUserInputError(
          `input.sn: ticket ${input.sn} has ended (${row.status}) and can no longer be operated`,
          'input.sn',
        );
      }
      const message = input.message?.trim() || undefined;
      const entry = {
        action: 'operateTicket',
        target: `ticket ${input.sn}`,
        detail: { action: input.action, ...(message ? { message } : {}) },
      };
      try {
        await itsm.operateTicket(
          { sn: input.sn, operator: actor.username, action: input.action, ...(message ? { message } : {}) },
          actorContext(actor),
        );
      } catch (error) {
        const unknown = writeOutcome(error) === 'unknown';
        await audit.record(actor, { ...entry, outcome: unknown ? 'unknown' : failedOutcome(error) });
        if (unknown) {
          throw new OutcomeUnknownError(
            `operate_ticket ${input.action} may or may not have reached ITSM; read the ticket before repeating it`,
            { sn: input.sn },
          );
        }
        throw error;
      }
      await audit.record(actor, { ...entry, outcome: 'ok' });
      return refresh(actor, row);
    },

    async fileForApproval(actor, input, approval, idempotencyKey = null) {
      return file(actor, input, { approval, key: idempotencyKey });
    },
  };
}
