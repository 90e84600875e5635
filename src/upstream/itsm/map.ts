import type {
  CreatedTicket,
  ItsmService,
  Ticket,
  TicketDetail,
  TicketOperation,
  TicketStatus,
} from '../domain';
import { idOf, idOrNull, parseBkDateTime, splitList, textOrNull } from '../mapping';
import type {
  WireApprovalResult,
  WireCreatedTicket,
  WireOperation,
  WireService,
  WireTicketInfo,
  WireTicketStatus,
} from './wire';

/** `"admin(管理员)"` → `"admin"`: get_ticket_info decorates the creator with a display name. */
export function usernameOf(v: string | null | undefined): string | null {
  const s = textOrNull(v);
  return s === null ? null : s.replace(/\(.*\)$/, '').trim() || s;
}

const toOperation = (o: WireOperation): TicketOperation => ({
  key: o.key,
  name: o.name ?? o.key,
  canOperate: o.can_operate === true,
});

export function toTicketStatus(sn: string, w: WireTicketStatus): TicketStatus {
  return {
    sn,
    status: w.current_status,
    url: textOrNull(w.ticket_url),
    steps: (w.current_steps ?? []).map((s) => ({
      name: s.name ?? '',
      stateId: idOf(s.state_id),
      status: s.status ?? '',
      processors: splitList(s.processors, /,/),
      operations: (s.operations ?? []).map(toOperation),
    })),
    operations: (w.operations ?? []).map(toOperation),
  };
}

export function toTicketDetail(w: WireTicketInfo, offset?: string): TicketDetail {
  return {
    id: idOf(w.id),
    sn: w.sn,
    title: w.title ?? '',
    status: w.current_status,
    approveResult: null,
    url: null,
    serviceId: idOrNull(w.service_id),
    createdBy: usernameOf(w.creator),
    createdAt: parseBkDateTime(w.create_at, offset),
    updatedBy: textOrNull(w.updated_by),
    updatedAt: parseBkDateTime(w.update_at, offset),
    endedAt: parseBkDateTime(w.end_at, offset),
    fields: (w.fields ?? []).map((f) => ({
      key: f.key,
      name: f.name ?? f.key,
      value: f.value ?? null,
      displayValue: textOrNull(f.display_value),
    })),
  };
}

export function toApprovalTicket(w: WireApprovalResult, offset?: string): Ticket {
  return {
    sn: w.sn,
    title: w.title ?? '',
    status: w.current_status,
    approveResult: typeof w.approve_result === 'boolean' ? w.approve_result : null,
    url: textOrNull(w.ticket_url),
    createdBy: null,
    createdAt: null,
    updatedBy: textOrNull(w.updated_by),
    updatedAt: parseBkDateTime(w.update_at, offset),
  };
}

export function toService(w: WireService): ItsmService {
  return {
    id: idOf(w.id),
    name: w.name ?? '',
    serviceType: textOrNull(w.service_type),
    description: textOrNull(w.desc),
  };
}

export function toCreatedTicket(w: WireCreatedTicket): CreatedTicket {
  return { sn: w.sn, id: idOf(w.id), url: textOrNull(w.ticket_url) };
}
