import type { ControlRoute, SandboxContext } from '../../types';
import { SbRawReply } from '../../types';
import { MAX_DELAY_MS, readCounts } from '../control-input';
import type { ItsmState } from './handlers';
import { decide } from './handlers';
import type { Ticket } from './tickets';
import { approveResult } from './tickets';

/**
 * `/_sandbox/itsm/*`: decide tickets as their approvers would, lose or delay callbacks, and make
 * tickets of other apps. Bad input is a 400 naming the field.
 *   POST /itsm/tickets/{sn}/approve | /reject  body {operator?}: RUNNING → FINISHED, then the
 *        §7.10 callback; answers once the callback is done, with its outcome (or `delayedMs`)
 *   GET  /itsm/tickets/{sn}                     the ticket as ITSM records it
 *   POST /itsm/tickets/foreign  {title?, failedCallback}: a FINISHED ticket of another app
 *   POST /itsm/callbacks {dropNext, delayMs}    see callback.ts; GET shows the settings
 *   POST /itsm/auto {approveNext, rejectNext, delayMs}  see auto.ts; GET shows the settings
 */

/** The app that makes foreign tickets: BlueKing's log platform, an ITSM user like bk-graph. */
export const FOREIGN_APP = 'bk_log_search';
const FOREIGN_SERVICE_ID = 18;
const MAX_COUNT = 1000;

const bad = (message: string, status = 400) => new SbRawReply(status, { error: message });

function ticketView(state: ItsmState, t: Ticket): Record<string, unknown> {
  return {
    sn: t.sn,
    id: t.id,
    title: t.title,
    app_code: t.appCode,
    current_status: t.status,
    approve_result: approveResult(t),
    processors: t.node.processors,
    callback_url: t.callbackUrl,
    callback_failed: state.store.failedCallbacks.has(t.sn),
  };
}

function decideRoute(ctx: SandboxContext, state: () => ItsmState, approved: boolean): ControlRoute {
  return {
    method: 'POST',
    path: `/itsm/tickets/{sn}/${approved ? 'approve' : 'reject'}`,
    handler: async (params, body) => {
      const s = state();
      const t = s.store.get(params.sn ?? '');
      if (!t) return bad(`unknown ticket ${params.sn ?? ''}`, 404);
      if (t.status !== 'RUNNING') {
        return bad(`ticket ${t.sn} is ${t.status}, only RUNNING tickets can be decided`, 409);
      }
      const operator =
        typeof body.operator === 'string' && body.operator !== ''
          ? body.operator
          : (t.node.processors.split(',')[0] ?? 'admin');
      const callback = await decide(ctx, s, t, approved, operator);
      return new SbRawReply(200, {
        sn: t.sn,
        current_status: t.status,
        approve_result: approveResult(t),
        callback,
      });
    },
  };
}

function foreignTicket(ctx: SandboxContext, s: ItsmState, body: Record<string, unknown>): SbRawReply {
  const unknown = Object.keys(body).filter((k) => k !== 'title' && k !== 'failedCallback');
  if (unknown.length > 0) return bad(`unknown fields: ${unknown.join(', ')} (known: title, failedCallback)`);
  if (typeof body.failedCallback !== 'boolean') return bad('failedCallback must be true or false');
  const title = body.title ?? 'log collector access request';
  if (typeof title !== 'string' || title.trim() === '') return bad('title must be a non-empty string');
  const service = s.services.find((x) => x.id === FOREIGN_SERVICE_ID);
  if (!service) return bad(`ITSM has no service ${FOREIGN_SERVICE_ID}`, 500);
  const now = ctx.now();
  const t = s.store.add({
    service,
    title,
    creator: 'ops-wang',
    fields: [{ key: 'title', value: title }],
    bizId: -1,
    status: 'FINISHED',
    preStatus: null,
    createAt: now,
    updateAt: now,
    endAt: now,
    updatedBy: 'admin',
    node: {
      stateId: service.flow_id * 10 + 3,
      name: '审批',
      processors: 'admin',
      approved: true,
      lastApprover: 'admin',
    },
    // Never contacted: the callback is recorded as it ended, not sent.
    callbackUrl: 'http://bk-log.sandbox.invalid/api/v1/databus/collect_itsm_callback/',
    callbackHeaders: {},
    appCode: FOREIGN_APP,
  });
  if (body.failedCallback) s.store.failedCallbacks.set(t.sn, Math.floor(now / 1000));
  return new SbRawReply(200, ticketView(s, t));
}

export function itsmControlRoutes(ctx: SandboxContext, state: () => ItsmState): ControlRoute[] {
  return [
    decideRoute(ctx, state, true),
    decideRoute(ctx, state, false),
    {
      method: 'POST',
      path: '/itsm/tickets/foreign',
      handler: (_params, body) => foreignTicket(ctx, state(), body),
    },
    {
      method: 'GET',
      path: '/itsm/tickets/{sn}',
      handler: (params) => {
        const s = state();
        const t = s.store.get(params.sn ?? '');
        return t ? new SbRawReply(200, ticketView(s, t)) : bad(`unknown ticket ${params.sn ?? ''}`, 404);
      },
    },
    {
      method: 'POST',
      path: '/itsm/callbacks',
      handler: (_params, body) => {
        const s = state();
        s.delivery = readCounts(body, { dropNext: MAX_COUNT, delayMs: MAX_DELAY_MS });
        return new SbRawReply(200, s.delivery);
      },
    },
    { method: 'GET', path: '/itsm/callbacks', handler: () => new SbRawReply(200, state().delivery) },
    {
      method: 'POST',
      path: '/itsm/auto',
      handler: (_params, body) => {
        const s = state();
        s.auto = readCounts(body, { approveNext: MAX_COUNT, rejectNext: MAX_COUNT, delayMs: MAX_DELAY_MS });
        return new SbRawReply(200, s.auto);
      },
    },
    { method: 'GET', path: '/itsm/auto', handler: () => new SbRawReply(200, state().auto) },
  ];
}
