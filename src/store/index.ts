/** The durable store's public surface; everything else in this folder is its machinery. */
export { openStore, type Store, type StoreOptions, type StoreTransaction } from './store';
export { StoreMigrationError, StoreUnavailableError } from './errors';
export type { StoreLogger } from './logger';
export type { Database, StoreKind, ApprovalState, IdempotencyState, JobKind, OutboxState } from './database';
export type { Repositories } from './repositories';
export type { Page, PageArgs } from './page';
export { MAX_CALLBACK_BODY_BYTES } from './cap-body';
export type { ClaimInput, ClaimResult, IdempotencyRecord, IdempotencyRepo } from './idempotency.repo';
export type { Job, JobStep, JobStatusUpdate, JobsRepo, NewJob } from './jobs.repo';
export type { JobCallbackInput, JobCallbacksRepo } from './job-callbacks.repo';
export type { AuditEntry, AuditEntryInput, AuditRepo } from './audit.repo';
export {
  TERMINAL_TICKET_STATUSES,
  type NewTicket,
  type Ticket,
  type TicketListArgs,
  type TicketStatusUpdate,
  type TicketsRepo,
} from './tickets.repo';
export type { TicketCallbackInput, TicketCallbacksRepo } from './ticket-callbacks.repo';
export type { Approval, ApprovalListArgs, ApprovalPatch, ApprovalsRepo, NewApproval } from './approvals.repo';
export type { OutboxEntry, OutboxRepo } from './outbox.repo';
export type { LeasesRepo } from './leases.repo';
