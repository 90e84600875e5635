import type { SbItsmService } from '../../data/itsm-services';

/**
 * ITSM tickets: one approval node each. A ticket is RUNNING from creation until approved or
 * rejected (FINISHED), withdrawn (REVOKED) or terminated (TERMINATED); it may be SUSPENDED on
 * the way. Built-in statuses and node statuses of CONTRACTS.md §7.3.
 */

export type TicketStatus = 'RUNNING' | 'SUSPENDED' | 'FINISHED' | 'TERMINATED' | 'REVOKED';
export const END_STATUSES: ReadonlySet<TicketStatus> = new Set(['FINISHED', 'TERMINATED', 'REVOKED']);

export interface Ticket {
  id: number;
  sn: string;
  service: SbItsmService;
  title: string;
  creator: string;
  fields: { key: string; value: string }[];
  bizId: number;
  status: TicketStatus;
  /** What UNSUSPEND returns to (ITSM's pre_status). */
  preStatus: TicketStatus | null;
  createAt: number;
  updateAt: number;
  endAt: number | null;
  updatedBy: string;
  /** The approval node: who may approve, and what they decided (null while undecided). */
  node: { stateId: number; name: string; processors: string; approved: boolean | null; lastApprover: string };
  callbackUrl: string | null;
  callbackHeaders: Record<string, string>;
  /** The app that created the ticket (ITSM serves every app; its failed-callback list is shared). */
  appCode: string;
}

export const ITSM_WEB = 'http://itsm.sandbox.invalid';

export function ticketUrl(t: Ticket): string {
  return `${ITSM_WEB}/#/ticket/detail?id=${t.id}`;
}

/** "YYYY-MM-DD HH:MM:SS" in Asia/Shanghai, ITSM's datetime format. */
export function itsmTime(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Python's str(datetime) of an aware Shanghai time: microseconds only when non-zero, then the offset. */
export function pythonTime(ms: number): string {
  const frac = ms % 1000;
  return `${itsmTime(ms)}${frac === 0 ? '' : `.${String(frac * 1000).padStart(6, '0')}`}+08:00`;
}

/**
 * §7.7: true only when FINISHED and every approval node said yes; a FINISHED ticket with no
 * decided node counts as approved (Python's `all([])`).
 */
export function approveResult(t: Ticket): boolean {
  return t.status === 'FINISHED' && t.node.approved !== false;
}

const OP_NAMES: Record<string, string> = {
  WITHDRAW: '撤单',
  SUSPEND: '挂起',
  UNSUSPEND: '恢复',
  TERMINATE: '终止',
};

function ops(keys: string[]): { key: string; name: string; can_operate: boolean }[] {
  return keys.map((key) => ({ key, name: OP_NAMES[key] ?? key, can_operate: true }));
}

export function ticketOperations(t: Ticket): { key: string; name: string; can_operate: boolean }[] {
  if (t.status === 'RUNNING') return ops(['WITHDRAW', 'SUSPEND', 'TERMINATE']);
  if (t.status === 'SUSPENDED') return ops(['WITHDRAW', 'UNSUSPEND']);
  return [];
}

/** The open approval node (none once the ticket ended). `full` adds operations and form fields. */
export function currentSteps(t: Ticket, full: boolean): Record<string, unknown>[] {
  if (END_STATUSES.has(t.status)) return [];
  const step: Record<string, unknown> = {
    name: t.node.name,
    state_id: t.node.stateId,
    status: t.status === 'SUSPENDED' ? 'SUSPEND' : 'RUNNING',
    action_type: 'TRANSITION',
    processors_type: 'PERSON',
    processors: t.node.processors,
  };
  if (!full) return [step];
  const field = (id: number, key: string, type: string, name: string, choice: unknown[]) => ({
    workflow_id: t.service.flow_id,
    meta: {},
    id,
    regex: 'EMPTY',
    api_instance_id: 0,
    type,
    source_uri: '',
    validate_type: 'REQUIRE',
    source_type: 'CUSTOM',
    key,
    choice,
    desc: '',
    name,
    is_readonly: false,
    custom_regex: '',
    state_id: t.node.stateId,
  });
  return [
    {
      ...step,
      operations: [
        { can_operate: true, name: '提交', key: 'TRANSITION' },
        { can_operate: true, name: '转单', key: 'DELIVER' },
        { can_operate: true, name: '终止', key: 'TERMINATE' },
      ],
      fields: [
        field(t.node.stateId * 10 + 1, 'NODE_APPROVE_RESULT', 'RADIO', '审批结果', [
          { name: '通过', key: 'true' },
          { name: '拒绝', key: 'false' },
        ]),
        field(t.node.stateId * 10 + 2, 'NODE_APPROVE_REMARK', 'TEXT', '审批意见', []),
      ],
    },
  ];
}

export class TicketStore {
  private readonly bySn = new Map<string, Ticket>();
  /** sn → unix seconds of the failed callback (ITSM's redis hash `callback_error_ticket`). */
  readonly failedCallbacks = new Map<string, number>();
  private nextId: number;
  private seq = 0;

  constructor(firstId: number) {
    this.nextId = firstId;
  }

  get(sn: string): Ticket | undefined {
    return this.bySn.get(sn);
  }

  add(input: Omit<Ticket, 'id' | 'sn'>): Ticket {
    const stamp = itsmTime(input.createAt).replace(/[- :]/g, '');
    let sn: string;
    do {
      this.seq = (this.seq + 1) % 100;
      sn = `NO${stamp}${String(this.seq).padStart(2, '0')}`;
    } while (this.bySn.has(sn));
    const ticket: Ticket = { ...input, id: this.nextId++, sn };
    this.bySn.set(sn, ticket);
    return ticket;
  }
}
