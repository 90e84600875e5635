import { sql, type Kysely, type Migration } from 'kysely';

/*
 * Migrations take Kysely<any>: they must keep compiling as the Database interface moves on, and
 * they describe the tables as they were at this step, not as they are now.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

const now = sql`now()`;

async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('identity', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('input_hash', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('pending', 'done', 'unknown')`))
    .addColumn('result', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['identity', 'key'])
    .execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('job_instance_id', 'text', (c) => c.unique())
    .addColumn('biz_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('plan', 'script')`))
    .addColumn('name', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text')
    .addColumn('callback_token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'integer')
    .addColumn('finished', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('steps', 'jsonb')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('approval_id', 'uuid')
    .addColumn('next_poll_at', 'timestamptz')
    .addColumn('poll_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  // The poll loop's scan: only unfinished jobs are ever due.
  await db.schema
    .createIndex('jobs_next_poll_at_idx')
    .on('jobs')
    .column('next_poll_at')
    .where(sql.ref('finished'), '=', false)
    .execute();

  await db.schema
    .createTable('job_callbacks')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('job_instance_id', 'text')
    .addColumn('content_type', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('host_count', 'integer')
    .addColumn('idempotency_key', 'text')
    .addColumn('upstream_request_id', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('detail', 'jsonb')
    .execute();
  await db.schema
    .createIndex('audit_log_actor_id_idx')
    .on('audit_log')
    .columns(['actor', 'id desc'])
    .execute();

  await db.schema
    .createTable('tickets')
    .addColumn('sn', 'text', (c) => c.primaryKey())
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('approve_result', 'boolean')
    .addColumn('url', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text')
    .addColumn('updated_by', 'text')
    .addColumn('itsm_updated_at', 'timestamptz')
    .addColumn('terminal', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('approval_id', 'uuid')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('tickets_created_by_created_at_idx')
    .on('tickets')
    .columns(['created_by', 'created_at desc'])
    .execute();
  // The reconcile loop's scan: terminal tickets never change again.
  await db.schema
    .createIndex('tickets_status_open_idx')
    .on('tickets')
    .column('status')
    .where(sql.ref('terminal'), '=', false)
    .execute();

  await db.schema
    .createTable('ticket_callbacks')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('received_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('sn', 'text')
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('token_ok', 'boolean')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('approvals')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`state in ('PENDING', 'APPROVED', 'REJECTED', 'EXECUTING', 'EXECUTED', 'FAILED', 'AMBIGUOUS')`,
        ),
    )
    .addColumn('ticket_sn', 'text', (c) => c.unique())
    .addColumn('biz_id', 'text', (c) => c.notNull())
    .addColumn('plan_id', 'text', (c) => c.notNull())
    .addColumn('variables', 'jsonb')
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text')
    .addColumn('job_id', 'uuid')
    .addColumn('note', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('approvals_state_idx').on('approvals').column('state').execute();

  await db.schema
    .createTable('job_outbox')
    .addColumn('approval_id', 'uuid', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('pending', 'claimed', 'done')`))
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_at', 'timestamptz')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'leases',
    'job_outbox',
    'approvals',
    'ticket_callbacks',
    'tickets',
    'audit_log',
    'job_callbacks',
    'jobs',
    'idempotency_keys',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

/** The tables of the first release (see ../database.ts for their Kysely types). */
export const initial: Migration = { up, down };
