import type { ApiSpec, HttpMethod } from '../types';

function itsmSpec(
  api: string,
  method: HttpMethod,
  options: { idempotent?: boolean; path?: string; esbName?: string } = {},
): ApiSpec {
  return {
    system: 'itsm',
    api,
    apigw: { gateway: 'bk-itsm', method, path: options.path ?? `/v2/itsm/${api}/` },
    esb: { system: 'itsm', name: options.esbName ?? api, method },
    idempotent: options.idempotent ?? true,
    envelope: 'bk',
  };
}

export const itsmSpecs = {
  // Each call files a new ticket: never retried.
  createTicket: itsmSpec('create_ticket', 'POST', { idempotent: false }),
  getTicketStatus: itsmSpec('get_ticket_status', 'GET'),
  tokenVerify: itsmSpec('token_verify', 'POST', { path: '/v2/itsm/token/verify/', esbName: 'token/verify' }),
  getTicketInfo: itsmSpec('get_ticket_info', 'GET'),
  // A read that also acknowledges the asked sns in ITSM's failed-callback list (CONTRACTS.md §7.6).
  // Repeating it acknowledges the same sns again, which changes nothing: safe to retry.
  ticketApprovalResult: itsmSpec('ticket_approval_result', 'POST'),
  getServices: itsmSpec('get_services', 'GET'),
  // SUSPEND/WITHDRAW/TERMINATE change a ticket's state and fire callbacks: never retried.
  operateTicket: itsmSpec('operate_ticket', 'POST', { idempotent: false }),
  callbackFailedTicket: itsmSpec('callback_failed_ticket', 'GET'),
} as const satisfies Record<string, ApiSpec>;

/** `没有找到对应的单据`: the sn does not exist (CONTRACTS.md §7.2). */
export const ITSM_TICKET_NOT_FOUND = 3900022;
