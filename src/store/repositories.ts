import type { Kysely } from 'kysely';
import { approvalsRepo, type ApprovalsRepo } from './approvals.repo';
import { auditRepo, type AuditRepo } from './audit.repo';
import type { Database, StoreKind } from './database';
import { toStoreError } from './errors';
import { idempotencyRepo, type IdempotencyRepo } from './idempotency.repo';
import { jobCallbacksRepo, type JobCallbacksRepo } from './job-callbacks.repo';
import { jobsRepo, type JobsRepo } from './jobs.repo';
import { leasesRepo, type LeasesRepo } from './leases.repo';
import { outboxRepo, type OutboxRepo } from './outbox.repo';
import { ticketCallbacksRepo, type TicketCallbacksRepo } from './ticket-callbacks.repo';
import { ticketsRepo, type TicketsRepo } from './tickets.repo';

/** Every repository, all over one executor (the store's pool, or one transaction). */
export interface Repositories {
  idempotency: IdempotencyRepo;
  jobs: JobsRepo;
  jobCallbacks: JobCallbacksRepo;
  audit: AuditRepo;
  tickets: TicketsRepo;
  ticketCallbacks: TicketCallbacksRepo;
  approvals: ApprovalsRepo;
  outbox: OutboxRepo;
  leases: LeasesRepo;
}

type AsyncMethods = Record<string, (...args: never[]) => Promise<unknown>>;

/** The same repository, whose methods throw StoreUnavailableError when the database is unusable. */
function guarded<T extends AsyncMethods>(repo: T, kind: StoreKind): T {
  const out: Record<string, (...args: never[]) => Promise<unknown>> = {};
  for (const [name, method] of Object.entries(repo)) {
    out[name] = async (...args) => {
      try {
        return await method(...args);
      } catch (error) {
        throw toStoreError(error, kind);
      }
    };
  }
  return out as T;
}

export function createRepositories(db: Kysely<Database>, kind: StoreKind): Repositories {
  return {
    idempotency: guarded(idempotencyRepo(db), kind),
    jobs: guarded(jobsRepo(db), kind),
    jobCallbacks: guarded(jobCallbacksRepo(db), kind),
    audit: guarded(auditRepo(db), kind),
    tickets: guarded(ticketsRepo(db), kind),
    ticketCallbacks: guarded(ticketCallbacksRepo(db), kind),
    approvals: guarded(approvalsRepo(db), kind),
    outbox: guarded(outboxRepo(db), kind),
    leases: guarded(leasesRepo(db), kind),
  };
}
