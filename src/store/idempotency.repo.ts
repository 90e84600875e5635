import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, IdempotencyKeysTable, IdempotencyState } from './database';
import { toJson } from './json';

/** A mutation's idempotency key (per identity) and what became of the first call made with it. */
export interface IdempotencyRecord {
  identity: string;
  key: string;
  operation: string;
  /** Hash of the first call's input: a repeat with other input is a caller error, not a repeat. */
  inputHash: string;
  state: IdempotencyState;
  /** The first call's result (`done`), or what is known of it (`unknown`). */
  result: unknown;
  createdAt: Date;
  updatedAt: Date;
}

export type ClaimResult = { claimed: true } | { claimed: false; record: IdempotencyRecord };

export interface ClaimInput {
  identity: string;
  key: string;
  operation: string;
  inputHash: string;
}

// A claim can lose to a row that its holder releases before we read it; then the key is free again.
const CLAIM_ATTEMPTS = 3;

function toRecord(row: Selectable<IdempotencyKeysTable>): IdempotencyRecord {
  return {
    identity: row.identity,
    key: row.key,
    operation: row.operation,
    inputHash: row.input_hash,
    state: row.state,
    result: row.result,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function idempotencyRepo(db: Kysely<Database>) {
  async function get(identity: string, key: string): Promise<IdempotencyRecord | null> {
    const row = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('identity', '=', identity)
      .where('key', '=', key)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  return {
    /**
     * Claims the key for one call. Exactly one of any number of concurrent claims gets
     * `{ claimed: true }`; the others get the record as it stands (pending, done or unknown).
     */
    async claim({ identity, key, operation, inputHash }: ClaimInput): Promise<ClaimResult> {
      for (let attempt = 0; ; attempt++) {
        const inserted = await db
          .insertInto('idempotency_keys')
          .values({ identity, key, operation, input_hash: inputHash, state: 'pending' })
          .onConflict((oc) => oc.columns(['identity', 'key']).doNothing())
          .returning('key')
          .executeTakeFirst();
        if (inserted) return { claimed: true };
        const record = await get(identity, key);
        if (record) return { claimed: false, record };
        if (attempt + 1 >= CLAIM_ATTEMPTS) {
          throw new Error(`idempotency key ${key} was claimed and released ${CLAIM_ATTEMPTS} times in a row`);
        }
      }
    },

    /** Records the call's result (from pending, or from unknown once the outcome is learnt). */
    async complete(identity: string, key: string, result: unknown): Promise<boolean> {
      const r = await db
        .updateTable('idempotency_keys')
        .set({ state: 'done', result: toJson(result), updated_at: sql<Date>`now()` })
        .where('identity', '=', identity)
        .where('key', '=', key)
        .where('state', 'in', ['pending', 'unknown'])
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    /** The upstream outcome cannot be known (timeout after sending): never retried by itself. */
    async markUnknown(identity: string, key: string, detail: unknown): Promise<boolean> {
      const r = await db
        .updateTable('idempotency_keys')
        .set({ state: 'unknown', result: toJson(detail), updated_at: sql<Date>`now()` })
        .where('identity', '=', identity)
        .where('key', '=', key)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return r.numUpdatedRows > 0n;
    },

    /** Gives a pending claim back (the call was certainly not made), so the key can be used again. */
    async release(identity: string, key: string): Promise<boolean> {
      const r = await db
        .deleteFrom('idempotency_keys')
        .where('identity', '=', identity)
        .where('key', '=', key)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return r.numDeletedRows > 0n;
    },

    get,
  };
}

export type IdempotencyRepo = ReturnType<typeof idempotencyRepo>;
