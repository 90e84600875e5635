import { BadUserInputError } from '../../errors';
import type { CreatedTicket, ItsmService, Ticket, TicketAction, TicketDetail, TicketStatus } from '../domain';
import { wireId } from '../ids';
import type { CallContext, UpstreamCaller } from '../types';
import { toApprovalTicket, toCreatedTicket, toService, toTicketDetail, toTicketStatus } from './map';
import { itsmSpecs } from './specs';
import type {
  WireApprovalResult,
  WireCreatedTicket,
  WireService,
  WireTicketInfo,
  WireTicketStatus,
} from './wire';

export interface CreateTicketArgs {
  serviceId: string;
  creator: string;
  title: string;
  /** Service-specific form fields besides the title. */
  fields?: { key: string; value: string }[];
  /** ITSM POSTs the result here when the ticket closes (CONTRACTS.md §7.10). */
  callbackUrl?: string;
  /** Extra headers ITSM sends with the callback (`meta.headers`). */
  callbackHeaders?: Record<string, string>;
}

export interface ServiceFilter {
  catalogId?: string;
  serviceType?: string;
  /** GENERAL / ORGANIZATION / API. */
  displayType?: string;
  displayRole?: string;
}

export interface ItsmClient {
  createTicket(args: CreateTicketArgs, ctx: CallContext): Promise<CreatedTicket>;
  ticketStatus(sn: string, ctx: CallContext): Promise<TicketStatus>;
  ticketInfo(sn: string, ctx: CallContext): Promise<TicketDetail>;
  /** Unknown sns are simply absent. Acknowledges the sns in ITSM's failed-callback list. */
  approvalResults(sns: string[], ctx: CallContext): Promise<Ticket[]>;
  services(filter: ServiceFilter, ctx: CallContext): Promise<ItsmService[]>;
  operateTicket(
    args: { sn: string; operator: string; action: TicketAction; message?: string },
    ctx: CallContext,
  ): Promise<void>;
  /** Whether ITSM issued this callback token; an undecodable token is `false`, not an error. */
  verifyToken(token: string, ctx: CallContext): Promise<boolean>;
  /** Sns whose callback ITSM failed to deliver and nobody acknowledged yet. */
  failedCallbacks(ctx: CallContext): Promise<string[]>;
}

export interface ItsmClientOptions {
  /** UTC offset of ITSM's zone-less datetimes. @default '+08:00' (Asia/Shanghai, BlueKing's default) */
  timeZoneOffset?: string;
}

const ACTIONS: readonly TicketAction[] = ['SUSPEND', 'UNSUSPEND', 'WITHDRAW', 'TERMINATE'];

export function createItsmClient(caller: UpstreamCaller, options: ItsmClientOptions = {}): ItsmClient {
  const offset = options.timeZoneOffset ?? '+08:00';
  return {
    async createTicket(args, ctx) {
      const meta = {
        ...(args.callbackUrl ? { callback_url: args.callbackUrl } : {}),
        ...(args.callbackHeaders ? { headers: args.callbackHeaders } : {}),
      };
      const data = await caller.call<WireCreatedTicket>(
        itsmSpecs.createTicket,
        {
          body: {
            service_id: wireId(args.serviceId, 'serviceId'),
            creator: args.creator,
            fields: [
              { key: 'title', value: args.title },
              ...(args.fields ?? []).filter((f) => f.key !== 'title'),
            ],
            ...(Object.keys(meta).length ? { meta } : {}),
          },
        },
        ctx,
      );
      return toCreatedTicket(data);
    },

    async ticketStatus(sn, ctx) {
      return toTicketStatus(
        sn,
        await caller.call<WireTicketStatus>(itsmSpecs.getTicketStatus, { query: { sn } }, ctx),
      );
    },

    async ticketInfo(sn, ctx) {
      return toTicketDetail(
        await caller.call<WireTicketInfo>(itsmSpecs.getTicketInfo, { query: { sn } }, ctx),
        offset,
      );
    },

    async approvalResults(sns, ctx) {
      if (!sns.length) return [];
      const data = await caller.call<WireApprovalResult[] | null>(
        itsmSpecs.ticketApprovalResult,
        { body: { sn: sns } },
        ctx,
      );
      return (data ?? []).map((w) => toApprovalTicket(w, offset));
    },

    async services(filter, ctx) {
      const data = await caller.call<WireService[] | null>(
        itsmSpecs.getServices,
        {
          query: {
            catalog_id: filter.catalogId === undefined ? undefined : wireId(filter.catalogId, 'catalogId'),
            service_type: filter.serviceType,
            display_type: filter.displayType,
            display_role: filter.displayRole,
          },
        },
        ctx,
      );
      return (data ?? []).map(toService);
    },

    async operateTicket(args, ctx) {
      if (!ACTIONS.includes(args.action))
        throw new BadUserInputError(`action must be one of ${ACTIONS.join(', ')}`, 'action');
      // ITSM requires a message for SUSPEND and TERMINATE (CONTRACTS.md §7.9).
      if ((args.action === 'SUSPEND' || args.action === 'TERMINATE') && !args.message)
        throw new BadUserInputError(
          `a message is required to ${args.action.toLowerCase()} a ticket`,
          'message',
        );
      await caller.call(
        itsmSpecs.operateTicket,
        {
          body: {
            sn: args.sn,
            operator: args.operator,
            action_type: args.action,
            ...(args.message ? { action_message: args.message } : {}),
          },
        },
        ctx,
      );
    },

    async verifyToken(token, ctx) {
      const data = await caller.call<{ is_passed?: boolean } | null>(
        itsmSpecs.tokenVerify,
        { body: { token } },
        ctx,
      );
      return data?.is_passed === true;
    },

    async failedCallbacks(ctx) {
      const data = await caller.call<unknown[] | null>(itsmSpecs.callbackFailedTicket, {}, ctx);
      return (data ?? []).map(String);
    },
  };
}
