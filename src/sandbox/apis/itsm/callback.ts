import { request } from 'undici';
import type { Ticket, TicketStore } from './tickets';
import { approveResult, pythonTime, ticketUrl } from './tickets';

/**
 * The POST ITSM sends to `meta.callback_url` when a ticket ends (CONTRACTS.md §7.10): to the URL
 * as given, query string included, with the extra headers of `meta.headers`. Success is HTTP
 * 200/201 with a JSON body whose `code == 0`; anything else records the sn as a failed callback
 * (listed by `callback_failed_ticket` until `ticket_approval_result` acknowledges it). ITSM never
 * retries by itself. The core's `postJson` only reports the status, and the body matters here, so
 * this module posts on its own.
 *
 * `POST /_sandbox/itsm/callbacks` can lose the next callbacks (recorded as failed, exactly as a
 * refused one) or delay them all (the body is the ticket as it ended, sent `delayMs` later).
 */

const CALLBACK_TIMEOUT_MS = 5000;

/** `/_sandbox/itsm/callbacks`: cleared by `{}` and by a data reset. */
export interface CallbackDelivery {
  dropNext: number;
  delayMs: number;
}

export type CallbackOutcome =
  | { status: number; ok: boolean }
  /** Lost on purpose: nothing was sent, and ITSM counts it as failed. */
  | { status: 0; ok: false; dropped: true }
  /** Sent later; its outcome is recorded then. */
  | { delayedMs: number };

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

async function post(
  url: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<{ status: number; ok: boolean }> {
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

export interface CallbackSend {
  store: TicketStore;
  delivery: CallbackDelivery;
  schedule(fn: () => void, ms: number): void;
  nowSec(): number;
}

/** Sends the callback of an ended ticket, if it has a URL; never throws. */
export async function sendCallback(
  send: CallbackSend,
  t: Ticket,
  token: string,
): Promise<CallbackOutcome | null> {
  const url = t.callbackUrl;
  if (!url) return null;
  const { store, delivery } = send;
  if (delivery.dropNext > 0) {
    delivery.dropNext--;
    store.failedCallbacks.set(t.sn, send.nowSec());
    return { status: 0, ok: false, dropped: true };
  }
  const body = callbackBody(t, token);
  const deliver = async () => {
    const outcome = await post(url, body, t.callbackHeaders);
    if (!outcome.ok) store.failedCallbacks.set(t.sn, send.nowSec());
    return outcome;
  };
  if (delivery.delayMs > 0) {
    send.schedule(() => void deliver(), delivery.delayMs);
    return { delayedMs: delivery.delayMs };
  }
  return deliver();
}
