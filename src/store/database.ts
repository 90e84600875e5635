import type { ColumnType, Generated } from 'kysely';

/** Which driver a store runs on: a shared PostgreSQL (`DATABASE_URL`) or the embedded PGlite. */
export type StoreKind = 'postgres' | 'pglite';

/** timestamptz with a database default: both drivers read it as a `Date`. */
type CreatedAt = ColumnType<Date, Date | undefined, Date>;
/** timestamptz without a default. */
type Timestamp = ColumnType<Date, Date, Date>;
type NullableTimestamp = ColumnType<Date | null, Date | null | undefined, Date | null>;
/**
 * jsonb. Both drivers parse it on read; it is written as JSON text (see json.ts) because `pg`
 * would send a JS array as a Postgres array literal, not as JSON.
 */
type Json = ColumnType<unknown, string | null | undefined, string | null>;
/** bigserial: `pg` reads int8 as a string, PGlite as a number; repositories map it with Number(). */
type Int8Id = ColumnType<string | number, never, never>;

export type IdempotencyState = 'pending' | 'done' | 'unknown';
export type JobKind = 'plan' | 'script';
export type ApprovalState =
  'PENDING' | 'APPROVED' | 'REJECTED' | 'EXECUTING' | 'EXECUTED' | 'FAILED' | 'AMBIGUOUS';
export type OutboxState = 'pending' | 'claimed' | 'done';

export interface IdempotencyKeysTable {
  identity: string;
  key: string;
  operation: string;
  input_hash: string;
  state: IdempotencyState;
  result: Json;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface JobsTable {
  id: string;
  job_instance_id: string | null;
  biz_id: string;
  kind: JobKind;
  name: string | null;
  created_by: string;
  tenant_id: string | null;
  callback_token_hash: string;
  /** JOB's RunStatus code. */
  status: number | null;
  finished: Generated<boolean>;
  /** `[{ stepInstanceId, status }]`. */
  steps: Json;
  version: Generated<number>;
  approval_id: string | null;
  next_poll_at: NullableTimestamp;
  poll_attempts: Generated<number>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface JobCallbacksTable {
  id: Int8Id;
  received_at: CreatedAt;
  job_instance_id: string | null;
  content_type: string | null;
  body: string;
  outcome: string;
}

export interface AuditLogTable {
  id: Int8Id;
  at: CreatedAt;
  actor: string;
  tenant_id: string | null;
  action: string;
  target: string | null;
  host_count: number | null;
  idempotency_key: string | null;
  upstream_request_id: string | null;
  outcome: string;
  detail: Json;
}

export interface TicketsTable {
  sn: string;
  service_id: string;
  title: string;
  status: string;
  approve_result: boolean | null;
  url: string | null;
  created_by: string;
  tenant_id: string | null;
  updated_by: string | null;
  itsm_updated_at: NullableTimestamp;
  terminal: Generated<boolean>;
  version: Generated<number>;
  approval_id: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface TicketCallbacksTable {
  id: Int8Id;
  received_at: CreatedAt;
  sn: string | null;
  body: string;
  token_ok: boolean | null;
  outcome: string;
}

export interface ApprovalsTable {
  id: string;
  state: ApprovalState;
  ticket_sn: string | null;
  biz_id: string;
  plan_id: string;
  variables: Json;
  service_id: string;
  reason: string;
  created_by: string;
  tenant_id: string | null;
  job_id: string | null;
  note: string | null;
  decided_by: string | null;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  /** Ciphertext of the run's PASSWORD variable values (0002-approval-secrets); null once erased. */
  secrets: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface JobOutboxTable {
  approval_id: string;
  state: OutboxState;
  claimed_by: string | null;
  claimed_at: NullableTimestamp;
  attempts: Generated<number>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface LeasesTable {
  name: string;
  holder: string;
  expires_at: Timestamp;
}

/** Kysely's view of the tables, as of the last migration (migrations/index.ts). */
export interface Database {
  idempotency_keys: IdempotencyKeysTable;
  jobs: JobsTable;
  job_callbacks: JobCallbacksTable;
  audit_log: AuditLogTable;
  tickets: TicketsTable;
  ticket_callbacks: TicketCallbacksTable;
  approvals: ApprovalsTable;
  job_outbox: JobOutboxTable;
  leases: LeasesTable;
}
