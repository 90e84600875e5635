import { createHash } from 'node:crypto';
import { BadUserInputError, OutcomeUnknownError, StoreUnavailableGraphError } from '../../errors';
import { StoreUnavailableError, type Store } from '../../store';
import type { Actor } from '../actor';
// Per identity, spelt as the jobs service spells it: one key space per person across mutations.
import { identityOf } from '../jobs';
import { writeOutcome } from './write-outcome';

export interface IdempotentCall<R> {
  /** e.g. `ticket.create`: a key reused for another operation is a caller error. */
  operation: string;
  /** The validated input; its hash tells a repeat from a reuse of the key with other input. */
  input: unknown;
  /** Makes the one upstream write and stores its effects; resolves to what a repeat gets back. */
  call: () => Promise<R>;
}

export interface IdempotencyOptions {
  /**
   * How long a repeat waits for a concurrent first call with the same key before answering
   * OUTCOME_UNKNOWN (the first call may also have died mid-way).
   * @default 3000
   */
  waitPendingMs?: number;
}

const POLL_MS = 100;

export function inputHash(input: unknown): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
}

/** JSON with object keys sorted, so equal inputs hash alike whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function unknownOutcome(operation: string): OutcomeUnknownError {
  return new OutcomeUnknownError(
    `the first ${operation} with this idempotency key may or may not have reached BlueKing; ` +
      'it is never repeated by itself: check upstream, then use a new key',
    { operation },
  );
}

/**
 * Runs `call` at most once per (identity, key): the key is claimed in the store before anything
 * is sent. Same key and input → the first result, no upstream call; other input → BAD_USER_INPUT;
 * a first call whose outcome is unknown → OUTCOME_UNKNOWN, now and on every repeat. Without a key
 * it is a plain call. `resolve` turns a stored result into what the caller gets.
 */
export async function callOnce<R extends object, T>(
  store: Store,
  actor: Actor,
  key: string | null | undefined,
  { operation, input, call }: IdempotentCall<R>,
  resolve: (result: R) => Promise<T>,
  { waitPendingMs = 3000 }: IdempotencyOptions = {},
): Promise<T> {
  if (!key) return resolve(await call());
  const identity = identityOf(actor);
  const hash = inputHash(input);
  let claim;
  try {
    claim = await store.idempotency.claim({ identity, key, operation, inputHash: hash });
  } catch (error) {
    if (error instanceof StoreUnavailableError) throw new StoreUnavailableGraphError(operation);
    throw error;
  }

  if (!claim.claimed) {
    let record = claim.record;
    if (record.operation !== operation || record.inputHash !== hash)
      throw new BadUserInputError(
        'input.idempotencyKey: this key was already used with other input',
        'input.idempotencyKey',
      );
    const until = Date.now() + waitPendingMs;
    while (record.state === 'pending' && Date.now() < until) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      record = (await store.idempotency.get(identity, key)) ?? record;
    }
    if (record.state === 'done') return resolve(record.result as R);
    throw unknownOutcome(operation);
  }

  let result: R;
  try {
    result = await call();
  } catch (error) {
    // A certain failure gives the key back, so the caller may retry with it once fixed.
    if (writeOutcome(error) === 'not_applied') {
      await store.idempotency.release(identity, key).catch(() => undefined);
      throw error;
    }
    await store.idempotency.markUnknown(identity, key, { operation }).catch(() => undefined);
    if (error instanceof OutcomeUnknownError) throw error;
    throw unknownOutcome(operation);
  }
  // If this fails the key stays pending: repeats answer OUTCOME_UNKNOWN, never a second call.
  await store.idempotency.complete(identity, key, result);
  return resolve(result);
}
