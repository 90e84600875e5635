import type { SbItsmService } from '../../data/itsm-services';
import { BUILTIN_APPROVAL_SERVICE_ID } from '../../data/itsm-services';
import type { SandboxContext, SbRequest } from '../../types';
import { SbBizError } from '../../types';
import type { AutoDecide } from './auto';
import { takeDecision } from './auto';
import type { CallbackDelivery, CallbackOutcome } from './callback';
import { sendCallback } from './callback';
import type { Ticket, TicketStatus, TicketStore } from './tickets';
import {
  approveResult,
  currentSteps,
  END_STATUSES,
  itsmTime,
  ITSM_WEB,
  ticketOperations,
  ticketUrl,
} from './tickets';
import { createToken, verifyToken } from './token';

/** ITSM open APIs (CONTRACTS.md §7). Error codes of §7.11. */

export const ItsmCode = {
  OPERATE_FAILED: 3900004,
  VALIDATION: 3900005,
  TICKET_NOT_FOUND: 3900022,
  SERVICE_NOT_FOUND: 3900042,
} as const;

/** ITSM's own app identity: the callback token is sealed with it (§7.4). */
export const ITSM_APP_CODE = 'bk_itsm';
export const ITSM_SECRET = 'sandbox-itsm-secret';

export interface ItsmState {
  services: SbItsmService[];
  store: TicketStore;
  /** `/_sandbox/itsm/callbacks` settings (callback.ts). */
  delivery: CallbackDelivery;
  /** `/_sandbox/itsm/auto` settings (auto.ts). */
  auto: AutoDecide;
}

function validation(detail: string): SbBizError {
  return new SbBizError(ItsmCode.VALIDATION, `参数验证失败: ${detail}`);
}

function param(req: SbRequest, name: string): unknown {
  const v = req.body[name];
  return v === undefined ? req.query[name] : v;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '';
}

function ticketOf(state: ItsmState, req: SbRequest): Ticket {
  const sn = str(param(req, 'sn'));
  if (sn === '') throw validation('sn: 该字段是必填项。');
  const t = state.store.get(sn);
  if (!t) throw new SbBizError(ItsmCode.TICKET_NOT_FOUND, '没有找到对应的单据');
  return t;
}

export function getServices(state: ItsmState, req: SbRequest): unknown {
  const type = str(param(req, 'service_type'));
  const catalog = str(param(req, 'catalog_id'));
  return state.services
    .filter(
      (s) => (type === '' || s.service_type === type) && (catalog === '' || String(s.catalog_id) === catalog),
    )
    .map((s) => ({ id: s.id, name: s.name, desc: s.desc, service_type: s.service_type }));
}

export function createTicket(ctx: SandboxContext, state: ItsmState, req: SbRequest): unknown {
  const fast = req.body.fast_approval === true || req.body.fast_approval === 'true';
  let service: SbItsmService | undefined;
  if (fast) {
    service = state.services.find((s) => s.id === BUILTIN_APPROVAL_SERVICE_ID);
  } else {
    const raw = req.body.service_id;
    if (raw === undefined || raw === null || raw === '') throw validation('service_id: 该字段是必填项。');
    service = state.services.find((s) => String(s.id) === String(raw));
    if (!service) throw new SbBizError(ItsmCode.SERVICE_NOT_FOUND, '服务未找到');
  }
  if (!service) throw new SbBizError(ItsmCode.SERVICE_NOT_FOUND, '服务未找到');
  const creator = str(req.body.creator);
  if (creator === '') throw validation('creator: 该字段是必填项。');
  const rawFields = req.body.fields;
  if (!Array.isArray(rawFields) || rawFields.length === 0) throw validation('fields: 该字段是必填项。');
  const fields = rawFields.map((f: unknown) => {
    const o = (f ?? {}) as Record<string, unknown>;
    if (typeof o.key !== 'string' || o.key === '') throw validation('fields: 每一项都需要 key');
    return { key: o.key, value: typeof o.value === 'string' ? o.value : JSON.stringify(o.value ?? '') };
  });
  const title = fields.find((f) => f.key === 'title')?.value ?? '';
  if (title === '') throw validation('fields: 缺少必填字段 title');

  const meta = (req.body.meta ?? {}) as Record<string, unknown>;
  if (typeof meta !== 'object' || Array.isArray(meta)) throw validation('meta: 必须是字典');
  const callbackUrl = str(meta.callback_url);
  const headers: Record<string, string> = {};
  if (meta.headers && typeof meta.headers === 'object') {
    for (const [k, v] of Object.entries(meta.headers as Record<string, unknown>)) headers[k] = String(v);
  }
  const stateProcessors = meta.state_processors as Record<string, unknown> | undefined;
  const processors =
    fields.find((f) => f.key === 'APPROVER')?.value ||
    Object.values(stateProcessors ?? {}).map(String)[0] ||
    'admin';
  const bizField = fields.find((f) => f.key === 'bk_biz_id')?.value;
  const now = ctx.now();
  const t = state.store.add({
    service,
    title,
    creator,
    fields,
    bizId: bizField !== undefined && /^\d+$/.test(bizField) ? Number(bizField) : -1,
    status: 'RUNNING',
    preStatus: null,
    createAt: now,
    updateAt: now,
    endAt: null,
    updatedBy: creator,
    node: { stateId: service.flow_id * 10 + 3, name: '审批', processors, approved: null, lastApprover: '' },
    callbackUrl: callbackUrl === '' ? null : callbackUrl,
    callbackHeaders: headers,
    appCode: req.appCode,
  });
  const approve = takeDecision(state.auto);
  if (approve !== null) {
    const delayMs = state.auto.delayMs;
    const operator = processors.split(',')[0] || 'admin';
    // ITSM answers create_ticket first and runs the workflow after (§7.1): decide once the answer
    // is written. With delayMs 0 the callback can still beat the creator's reading of it.
    req.afterAnswer(() => {
      const run = () => {
        if (t.status === 'RUNNING') void decide(ctx, state, t, approve, operator);
      };
      if (delayMs > 0) ctx.schedule(run, delayMs);
      else run();
    });
  }
  return { sn: t.sn, id: t.id, ticket_url: ticketUrl(t) };
}

export function getTicketStatus(state: ItsmState, req: SbRequest): unknown {
  const t = ticketOf(state, req);
  return {
    ticket_url: ticketUrl(t),
    iframe_ticket_url: `${ITSM_WEB}/#/ticket/detail-iframe?id=${t.id}`,
    operations: ticketOperations(t),
    current_status: t.status,
    current_steps: currentSteps(t, true),
    is_commented: false,
  };
}

export function getTicketInfo(state: ItsmState, req: SbRequest): unknown {
  const t = ticketOf(state, req);
  return {
    id: t.id,
    catalog_id: t.service.catalog_id,
    service_id: t.service.id,
    flow_id: t.service.flow_id,
    sn: t.sn,
    title: t.title,
    service_type: t.service.service_type,
    create_at: itsmTime(t.createAt),
    current_status: t.status,
    current_steps: currentSteps(t, false),
    comment_id: '',
    is_commented: false,
    updated_by: t.updatedBy,
    update_at: itsmTime(t.updateAt),
    end_at: t.endAt === null ? null : itsmTime(t.endAt),
    creator: t.creator,
    is_biz_need: false,
    bk_biz_id: t.bizId,
    fields: t.fields.map((f, i) => ({
      id: t.id * 100 + i,
      key: f.key,
      type: f.key === 'title' ? 'STRING' : 'TEXT',
      name: f.key === 'title' ? '标题' : f.key,
      value: f.value,
      display_value: f.value,
      desc: '',
    })),
  };
}

/** Ends a ticket and fires its callback. Returns the callback's outcome (null: no callback_url). */
export function endTicket(
  ctx: SandboxContext,
  state: ItsmState,
  t: Ticket,
  status: TicketStatus,
  operator: string,
): Promise<CallbackOutcome | null> {
  const now = ctx.now();
  t.status = status;
  t.updateAt = now;
  t.endAt = now;
  t.updatedBy = operator;
  const token = createToken(ITSM_APP_CODE, ITSM_SECRET);
  const send = {
    store: state.store,
    delivery: state.delivery,
    schedule: (fn: () => void, ms: number) => ctx.schedule(fn, ms),
    nowSec: () => Math.floor(ctx.now() / 1000),
  };
  return sendCallback(send, t, token);
}

export function decide(
  ctx: SandboxContext,
  state: ItsmState,
  t: Ticket,
  approved: boolean,
  operator: string,
): Promise<CallbackOutcome | null> {
  t.node.approved = approved;
  t.node.lastApprover = operator;
  return endTicket(ctx, state, t, 'FINISHED', operator);
}

const ACTIONS = new Set(['SUSPEND', 'UNSUSPEND', 'WITHDRAW', 'TERMINATE']);

export function operateTicket(ctx: SandboxContext, state: ItsmState, req: SbRequest): unknown {
  const action = str(req.body.action_type);
  if (!ACTIONS.has(action)) {
    throw new SbBizError(ItsmCode.OPERATE_FAILED, `单据操作失败，不支持的操作类型: ${action}`);
  }
  const t = ticketOf(state, req);
  const operator = str(req.body.operator) || str(req.body.username);
  if (operator === '') throw validation('operator: 该字段是必填项。');
  const message = str(req.body.action_message);
  if ((action === 'SUSPEND' || action === 'TERMINATE') && message === '') {
    throw validation('action_message: 该字段是必填项。');
  }
  if (END_STATUSES.has(t.status)) {
    throw new SbBizError(ItsmCode.OPERATE_FAILED, `单据操作失败，单据已结束: ${t.status}`);
  }
  const now = ctx.now();
  switch (action) {
    case 'SUSPEND':
      // ITSM keeps whatever the status was, so suspending twice makes UNSUSPEND a no-op (§7.9).
      t.preStatus = t.status;
      t.status = 'SUSPENDED';
      t.updateAt = now;
      t.updatedBy = operator;
      break;
    case 'UNSUSPEND':
      t.status = t.preStatus ?? 'RUNNING';
      t.updateAt = now;
      t.updatedBy = operator;
      break;
    case 'WITHDRAW':
      void endTicket(ctx, state, t, 'REVOKED', operator);
      break;
    case 'TERMINATE':
      void endTicket(ctx, state, t, 'TERMINATED', operator);
      break;
  }
  return [];
}

export function tokenVerify(req: SbRequest): unknown {
  return { is_passed: verifyToken(req.body.token ?? req.query.token, ITSM_APP_CODE, ITSM_SECRET) };
}

export function ticketApprovalResult(state: ItsmState, req: SbRequest): unknown {
  const sns = req.body.sn;
  if (!Array.isArray(sns)) throw validation('sn: 必须是列表');
  const rows: unknown[] = [];
  for (const sn of sns) {
    const t = typeof sn === 'string' ? state.store.get(sn) : undefined;
    if (!t) continue;
    rows.push({
      sn: t.sn,
      title: t.title,
      ticket_url: ticketUrl(t),
      current_status: t.status,
      updated_by: t.updatedBy.replace(/^,+|,+$/g, ''),
      update_at: itsmTime(t.updateAt),
      approve_result: approveResult(t),
    });
  }
  // Asking for a result acknowledges its failed callback.
  for (const sn of sns) if (typeof sn === 'string') state.store.failedCallbacks.delete(sn);
  return rows;
}

export function callbackFailedTicket(state: ItsmState): unknown {
  return [...state.store.failedCallbacks.keys()];
}
