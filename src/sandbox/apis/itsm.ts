import { seedItsmServices } from '../data/itsm-services';
import type { ApiDef, ApiModuleFactory, ControlRoute, SandboxContext, SbRequest } from '../types';
import { SbRawReply } from '../types';
import type { ItsmState } from './itsm/handlers';
import {
  callbackFailedTicket,
  createTicket,
  decide,
  getServices,
  getTicketInfo,
  getTicketStatus,
  operateTicket,
  ticketApprovalResult,
  tokenVerify,
} from './itsm/handlers';
import { approveResult, TicketStore } from './itsm/tickets';

/**
 * ITSM (CONTRACTS.md §7): APIGW `bk-itsm` `/v2/itsm/<name>/` with the documented verbs, ESB
 * `itsm/<name>`. Tickets stay RUNNING until a control route decides them:
 *   POST /_sandbox/itsm/tickets/{sn}/approve | /reject   body {operator?}
 *     → FINISHED, then the §7.10 callback; answers once the callback is done, with its outcome.
 *   GET  /_sandbox/itsm/tickets/{sn}                       → the ticket's state
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
  return { services: seedItsmServices(), store: new TicketStore(firstId) };
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

  const decideRoute = (approved: boolean): ControlRoute => ({
    method: 'POST',
    path: `/itsm/tickets/{sn}/${approved ? 'approve' : 'reject'}`,
    handler: async (params, body) => {
      const t = state.store.get(params.sn ?? '');
      if (!t) return new SbRawReply(404, { error: `unknown ticket ${params.sn ?? ''}` });
      if (t.status !== 'RUNNING') {
        return new SbRawReply(409, {
          error: `ticket ${t.sn} is ${t.status}, only RUNNING tickets can be decided`,
        });
      }
      const operator =
        typeof body.operator === 'string' && body.operator !== ''
          ? body.operator
          : (t.node.processors.split(',')[0] ?? 'admin');
      const callback = await decide(ctx, state, t, approved, operator);
      return new SbRawReply(200, {
        sn: t.sn,
        current_status: t.status,
        approve_result: approveResult(t),
        callback,
      });
    },
  });

  const controlRoutes: ControlRoute[] = [
    decideRoute(true),
    decideRoute(false),
    {
      method: 'GET',
      path: '/itsm/tickets/{sn}',
      handler: (params) => {
        const t = state.store.get(params.sn ?? '');
        if (!t) return new SbRawReply(404, { error: `unknown ticket ${params.sn ?? ''}` });
        return new SbRawReply(200, {
          sn: t.sn,
          id: t.id,
          title: t.title,
          current_status: t.status,
          approve_result: approveResult(t),
          processors: t.node.processors,
          callback_url: t.callbackUrl,
          callback_failed: state.store.failedCallbacks.has(t.sn),
        });
      },
    },
  ];

  return {
    apis,
    controlRoutes,
    reset: () => {
      state = freshState(ctx);
    },
  };
};
