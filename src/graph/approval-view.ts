import { InvariantError, NotFoundError } from '../errors';
import type { Loaders } from '../loaders';
import type { Actor } from '../services';
import type { ApprovalService } from '../services/approvals';
import type { JobService } from '../services/jobs';
import { toStartedJob } from '../services/jobs/started-job';
import type { TicketService } from '../services/tickets';
import { withStore } from '../services/tickets/store-guard';
import type { Approval, Store } from '../store';
import { startedJobNode, type JobNode } from './job-view';
import { toTicketNode, type TicketNode } from './ticket-view';

/** An approval as the `Approval` type resolves it: the stored row, and what its ticket and job need. */
export interface ApprovalNode {
  id: string;
  state: Approval['state'];
  businessId: string;
  planId: string;
  serviceId: string;
  reason: string;
  createdBy: string;
  note: string | null;
  decidedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  ticketSn: string | null;
  /** bk-graph's own id of the job (the jobs row), once JOB started it. */
  jobId: string | null;
}

export function toApprovalNode(a: Approval): ApprovalNode {
  return {
    id: a.id,
    state: a.state,
    businessId: a.bizId,
    planId: a.planId,
    serviceId: a.serviceId,
    reason: a.reason,
    createdBy: a.createdBy,
    note: a.note,
    decidedBy: a.decidedBy,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
    version: a.version,
    ticketSn: a.ticketSn,
    jobId: a.jobId,
  };
}

/** The most approvals one `approvals` page returns (the approvals service's bound). */
export const MAX_APPROVAL_PAGE = 1000;

/** States an approval never leaves: a subscription to it ends after one of them. */
export const FINAL_APPROVAL_STATES: ReadonlySet<Approval['state']> = new Set(['EXECUTED', 'REJECTED']);

/** The approval's ticket as bk-graph stored it (its live view is read only if the query asks). */
export async function approvalTicket(
  tickets: Pick<TicketService, 'get'>,
  actor: Actor,
  approval: ApprovalNode,
): Promise<TicketNode> {
  if (!approval.ticketSn)
    throw new InvariantError(
      `approval ${approval.id} has no ticket: it is stored with the ticket that gates it`,
    );
  const row = await tickets.get(actor, approval.ticketSn, { refresh: false });
  if (!row) throw new NotFoundError(`the ticket of approval ${approval.id} is no longer stored`);
  return toTicketNode(row);
}

/** The ticket's approval, when it gates one (null when there is none or it is not the actor's). */
export async function ticketApproval(
  approvals: Pick<ApprovalService, 'get'>,
  actor: Actor,
  ticket: TicketNode,
): Promise<ApprovalNode | null> {
  if (!ticket.approvalId) return null;
  const approval = await approvals.get(actor, ticket.approvalId);
  return approval ? toApprovalNode(approval) : null;
}

/**
 * The job an EXECUTED approval started, as JOB reports it now (the caller's rights, read once per
 * request like `job(...)`); from bk-graph's record when JOB cannot be read. Null before it started.
 */
export async function approvalJob(
  deps: { loaders: Loaders; jobs: Pick<JobService, 'jobView'>; store: Pick<Store, 'jobs'> },
  actor: Actor,
  approval: ApprovalNode,
  onReadFailure: (error: unknown) => void,
): Promise<JobNode | null> {
  if (!approval.jobId) return null;
  const jobId = approval.jobId;
  const row = await withStore('approval job', () => deps.store.jobs.get(jobId));
  const started = row ? toStartedJob(row) : null;
  if (!started) return null;
  return startedJobNode(deps.loaders, deps.jobs, actor, started, onReadFailure);
}
