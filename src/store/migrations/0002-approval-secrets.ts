import type { Kysely, Migration } from 'kysely';

/* Kysely<any>, as in 0001-initial: a migration describes the tables as they were at its step. */
/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * approvals.secrets: the AES-256-GCM ciphertext of the run's PASSWORD variable values
 * (`v1:<iv>:<tag>:<ciphertext>`), which approvals.variables no longer holds in clear; null once
 * erased, or when the run has none.
 */
async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('approvals').addColumn('secrets', 'text').execute();
}

async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('approvals').dropColumn('secrets').execute();
}

export const approvalSecrets: Migration = { up, down };
