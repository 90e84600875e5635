import { request } from 'undici';
import type { Ticket, TicketStore } from './tickets';
import { approveResult, pythonTime, ticketUrl } from './tickets';

/**
 * The POST ITSM sends to `meta.callback_url` when a ticket ends (CONTRACTS.md §7.10). Success is
 * HTTP 200/201 with a JSON body whose `code == 0`; anything else records the sn as a failed
 * callback (listed by `callback_failed_ticket` until `ticket_approval_result` acknowledges it).
 * ITSM never retries by itself. The core's `postJson` only reports the status, and the body
 * matters here, so this module posts on its own.
 */

const CALLBACK_TIMEOUT_MS = 5000;

export interface CallbackOutcome {
  status: number;
  ok: boolean;
}

export function callbackBody(t: Ticket, token: string): Record<string, unknown> {
  return {
    title: t.title,
    current_status: t.status,
    sn: t.sn,
    ticket_url: ticketUrl(t),
    update_at: pythonTime(t.updateAt),
    updated_by: t.updatedBy,
    approve_result: approveResult(t),
    token,
    last_approver: t.node.lastApprover || t.node.processors,
  };
}

async function post(url: string, body: unknown, headers: Record<string, string>): Promise<CallbackOutcome> {
  try {
    const res = await request(url, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { ...headers, 'content-type': 'application/json' },
      headersTimeout: CALLBACK_TIMEOUT_MS,
      bodyTimeout: CALLBACK_TIMEOUT_MS,
      signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
    });
    const text = await res.body.text();
    let code: unknown;
    try {
      code = (JSON.parse(text) as { code?: unknown } | null)?.code;
    } catch {
      code = undefined;
    }
    const ok = (res.statusCode === 200 || res.statusCode === 201) && code === 0;
    return { status: res.statusCode, ok };
  } catch {
    return { status: 0, ok: false };
  }
}

/** Sends the callback of an ended ticket, if it has a URL; never throws. */
export async function sendCallback(
  store: TicketStore,
  t: Ticket,
  token: string,
  nowSec: number,
): Promise<CallbackOutcome | null> {
  if (!t.callbackUrl) return null;
  const outcome = await post(t.callbackUrl, callbackBody(t, token), t.callbackHeaders);
  if (!outcome.ok) store.failedCallbacks.set(t.sn, nowSec);
  return outcome;
}
