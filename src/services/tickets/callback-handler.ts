import type { EventBus } from '../../events';
import { MAX_CALLBACK_BODY_BYTES, StoreUnavailableError, type Store, type Ticket } from '../../store';
import type { Clients } from '../../upstream/clients';
import { parseCallbackBody, type ItsmCallbackBody } from './callback-body';
import { settleInboxRow } from './callback-inbox';
import { errorName } from './error-name';
import type { ServiceLogger } from './logger';
import { appContext, type ItsmServiceAccount } from './service-account';
import { createTicketSync, type TicketSync } from './ticket-sync';

/** One callback as the HTTP layer received it. */
export interface ItsmCallbackRequest {
  contentType: string | undefined;
  /** The raw body (at most a little over MAX_CALLBACK_BODY_BYTES: the route caps what it reads). */
  body: string;
}

/** What to answer ITSM, which counts anything but 200/201 with `code == 0` as failed (§7.10). */
export interface ItsmCallbackResponse {
  status: number;
  body: { result: boolean; code: number; message: string };
}

/** `POST /callbacks/itsm`, free of any HTTP framework. Never throws. */
export type ItsmCallbackHandler = (request: ItsmCallbackRequest) => Promise<ItsmCallbackResponse>;

export interface ItsmCallbackHandlerOptions {
  store: Store;
  clients: Pick<Clients, 'itsm'>;
  events: EventBus;
  logger: ServiceLogger;
  serviceAccount: ItsmServiceAccount;
  /** The ticket service's, so every path applies ITSM's facts the same way. @default a new one */
  sync?: TicketSync;
  /**
   * How long a verified callback for an sn bk-graph has not stored waits for it: ITSM can call back
   * before create_ticket's answer is stored.
   * @default 2000
   */
  ticketWaitMs?: number;
}

const POLL_MS = 100;

const ok = (message: string): ItsmCallbackResponse => ({
  status: 200,
  body: { result: true, code: 0, message },
});
const fail = (status: number, message: string): ItsmCallbackResponse => ({
  status,
  body: { result: false, code: status, message },
});

/** Store unavailable: ITSM records the callback as failed, and the reconcile loop repairs it. */
const STORE_DOWN = fail(503, 'bk-graph cannot store callbacks right now');

/**
 * The ITSM callback (CONTRACTS.md §7.10): validated, verified with ITSM's token/verify, written to
 * the inbox, then applied with ITSM's own facts. Answers: 200 applied or duplicate; 400 malformed;
 * 403 bad token; 404 a ticket bk-graph did not create; 413 body over 64 KiB; 503 store (or ITSM)
 * unavailable. Malformed and oversized bodies are stored nowhere; every other one is in the inbox
 * with its verification outcome and what became of it.
 */
export function createItsmCallbackHandler(options: ItsmCallbackHandlerOptions): ItsmCallbackHandler {
  const { store, clients, events, logger, serviceAccount, ticketWaitMs = 2000 } = options;
  const { itsm } = clients;
  const sync = options.sync ?? createTicketSync({ store, itsm, events, logger, serviceAccount });

  async function waitForTicket(sn: string): Promise<Ticket | null> {
    const until = Date.now() + ticketWaitMs;
    for (;;) {
      const ticket = await store.tickets.get(sn);
      if (ticket || Date.now() >= until) return ticket;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  async function verified(body: ItsmCallbackBody, raw: string): Promise<ItsmCallbackResponse> {
    const { sn } = body;
    const inboxId = await store.ticketCallbacks.record({ sn, body: raw, tokenOk: true, outcome: 'received' });
    const settle = async (outcome: string, answer: ItsmCallbackResponse) => {
      await settleInboxRow(store, inboxId, outcome);
      return answer;
    };

    const ticket = await waitForTicket(sn);
    // The row stays in the inbox as `unknown_ticket`: if a create of this sn is still storing its
    // answer, it finds the row and applies the decision itself (ticket-service.ts).
    if (!ticket)
      return settle('unknown_ticket', fail(404, 'no ticket with this sn was created through bk-graph'));
    // An ended ticket never changes again: nothing to ask ITSM.
    if (ticket.terminal) return settle('duplicate', ok('duplicate'));

    // A verified token proves ITSM signed *a* callback, not that this body is the one it signed:
    // tokens are not bound to an sn and stay valid, so a captured one can carry any claims. The
    // decision is therefore ITSM's answer for this one sn (ours: asking about other apps' sns
    // would acknowledge their failed callbacks, §7.6), never the body's approve_result.
    let results;
    try {
      results = await sync.settle([sn], 'itsm-callback');
    } catch (error) {
      if (error instanceof StoreUnavailableError) throw error;
      logger.warn({ sn, error: errorName(error) }, 'ITSM callback not confirmed with ticket_approval_result');
      return settle('confirm_failed', fail(503, 'the decision could not be confirmed with ITSM'));
    }
    const result = results[0];
    if (!result) {
      logger.warn({ sn }, 'ITSM does not know a ticket it called back about');
      return settle('not_confirmed', ok('ignored'));
    }
    const claimsDiffer =
      result.ticket !== null &&
      (result.ticket.status !== body.current_status ||
        (result.ticket.terminal && result.ticket.approveResult !== body.approve_result));
    if (claimsDiffer) logger.warn({ sn }, 'ITSM callback claims differ from ITSM; ITSM applied');
    const outcome = result.changed ? 'applied' : 'duplicate';
    return settle(claimsDiffer ? `${outcome}:claims_differ` : outcome, ok(outcome));
  }

  async function handle({ contentType, body: raw }: ItsmCallbackRequest): Promise<ItsmCallbackResponse> {
    if (Buffer.byteLength(raw, 'utf8') > MAX_CALLBACK_BODY_BYTES) return fail(413, 'body over 64 KiB');
    if (!/^application\/json\b/i.test(contentType ?? ''))
      return fail(400, 'content-type must be application/json');
    const parsed = parseCallbackBody(raw);
    if (!parsed.ok) return fail(400, `malformed callback: ${parsed.reason}`);
    const { sn, token } = parsed.body;

    let tokenOk: boolean;
    try {
      tokenOk = await itsm.verifyToken(token, appContext(serviceAccount, 'itsm-callback-verify'));
    } catch (error) {
      logger.warn({ sn, error: errorName(error) }, 'ITSM token/verify failed');
      await store.ticketCallbacks.record({ sn, body: raw, tokenOk: null, outcome: 'verify_failed' });
      return fail(503, 'the token could not be verified with ITSM');
    }
    if (!tokenOk) {
      await store.ticketCallbacks.record({ sn, body: raw, tokenOk: false, outcome: 'forged' });
      logger.warn({ sn }, 'ITSM callback with a token ITSM did not issue');
      return fail(403, 'the token was not issued by ITSM');
    }
    return verified(parsed.body, raw);
  }

  return async (request) => {
    try {
      return await handle(request);
    } catch (error) {
      if (error instanceof StoreUnavailableError) return STORE_DOWN;
      logger.error({ error: errorName(error) }, 'ITSM callback failed');
      return fail(500, 'the callback could not be processed');
    }
  };
}
