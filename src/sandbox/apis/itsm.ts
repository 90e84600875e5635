import { seedItsmServices } from '../data/itsm-services';
import type { ApiDef, ApiModuleFactory, SandboxContext, SbRequest } from '../types';
import { itsmControlRoutes } from './itsm/control';
import type { ItsmState } from './itsm/handlers';
import {
  callbackFailedTicket,
  createTicket,
  getServices,
  getTicketInfo,
  getTicketStatus,
  operateTicket,
  ticketApprovalResult,
  tokenVerify,
} from './itsm/handlers';
import { TicketStore } from './itsm/tickets';

/**
 * ITSM (CONTRACTS.md §7): APIGW `bk-itsm` `/v2/itsm/<name>/` with the documented verbs, ESB
 * `itsm/<name>`. Tickets stay RUNNING until a control route decides them (or `/_sandbox/itsm/auto`
 * says to decide the next ones by itself); callbacks can be lost or delayed on purpose, and
 * tickets of other apps made, through `/_sandbox/itsm/*` (itsm/control.ts).
 */

type Handler = (ctx: SandboxContext, state: ItsmState, req: SbRequest) => unknown;

const ROUTES: ReadonlyArray<{
  api: string;
  path: string;
  method: 'GET' | 'POST';
  verified?: true;
  handler: Handler;
}> = [
  { api: 'create_ticket', path: 'create_ticket', method: 'POST', handler: createTicket },
  {
    api: 'get_ticket_status',
    path: 'get_ticket_status',
    method: 'GET',
    handler: (_c, s, r) => getTicketStatus(s, r),
  },
  { api: 'token_verify', path: 'token/verify', method: 'POST', handler: (_c, _s, r) => tokenVerify(r) },
  {
    api: 'get_ticket_info',
    path: 'get_ticket_info',
    method: 'GET',
    handler: (_c, s, r) => getTicketInfo(s, r),
  },
  {
    api: 'ticket_approval_result',
    path: 'ticket_approval_result',
    method: 'POST',
    verified: true,
    handler: (_c, s, r) => ticketApprovalResult(s, r),
  },
  { api: 'get_services', path: 'get_services', method: 'GET', handler: (_c, s, r) => getServices(s, r) },
  { api: 'operate_ticket', path: 'operate_ticket', method: 'POST', handler: operateTicket },
  {
    api: 'callback_failed_ticket',
    path: 'callback_failed_ticket',
    method: 'GET',
    handler: (_c, s) => callbackFailedTicket(s),
  },
];

function freshState(ctx: SandboxContext): ItsmState {
  const firstId = 100 + Math.floor(ctx.random('itsm-tickets')() * 900);
  return {
    services: seedItsmServices(),
    store: new TicketStore(firstId),
    delivery: { dropNext: 0, delayMs: 0 },
    auto: { approveNext: 0, rejectNext: 0, delayMs: 0 },
  };
}

export const createItsmApis: ApiModuleFactory = (ctx) => {
  let state = freshState(ctx);
  const apis: ApiDef[] = ROUTES.map((r) => ({
    system: 'itsm',
    api: r.api,
    apigw: { gateway: 'bk-itsm', method: r.method, path: `/v2/itsm/${r.path}/` },
    esb: { system: 'itsm', name: r.path },
    userVerifiedRequired: r.verified === true,
    userRequired: true,
    envelope: 'itsm',
    handler: (req: SbRequest) => r.handler(ctx, state, req),
  }));

  return {
    apis,
    controlRoutes: itsmControlRoutes(ctx, () => state),
    reset: () => {
      state = freshState(ctx);
    },
  };
};
