import { setTimeout as delay } from 'node:timers/promises';
import { BadUserInputError, OutcomeUnknownError } from '../../errors';
import type { IdempotencyRecord, Store } from '../../store';

/**
 * The idempotency key's side of a launch: claim the key in the store before JOB is called, so
 * that of any number of calls with one key — on any number of processes sharing the store —
 * exactly one goes on to JOB, and the others answer what that one ends with.
 */

export interface KeyRef {
  /** `${tenantId ?? ''}:${username}`: keys are per identity. */
  identity: string;
  key: string;
  operation: string;
  inputHash: string;
}

export interface ClaimDeps {
  store: Pick<Store, 'idempotency'>;
  now: () => number;
}

export interface ClaimOptions {
  /** Epoch ms: how long a duplicate waits for the call in progress. */
  deadline: number;
  /**
   * A pending claim older than this belongs to a process that died mid-call (no execute call
   * takes that long), so its outcome is unknown.
   */
  staleMs: number;
}

/** `claimed`: this call goes to JOB. `done`: the first call's result, to answer again. */
export type ClaimOutcome = { kind: 'claimed' } | { kind: 'done'; result: unknown };

const FIRST_WAIT_MS = 20;
const MAX_WAIT_MS = 250;

export function unknownOutcomeError(key: string): OutcomeUnknownError {
  return new OutcomeUnknownError(
    'an earlier call with this idempotencyKey may or may not have started the job in JOB (its outcome ' +
      'is unknown), so it is not run again; look the job up in JOB before starting it with a new key',
    { idempotencyKey: key },
  );
}

/**
 * Claims `ref.key`, or settles what an earlier claim became. Throws BAD_USER_INPUT when the key
 * was used for other input, OUTCOME_UNKNOWN when the earlier call's outcome is unknown (or it is
 * still running at the deadline), and StoreUnavailableError when the store is down.
 */
export async function claimKey(deps: ClaimDeps, ref: KeyRef, options: ClaimOptions): Promise<ClaimOutcome> {
  const { store } = deps;
  for (;;) {
    const claim = await store.idempotency.claim(ref);
    if (claim.claimed) return { kind: 'claimed' };
    let record: IdempotencyRecord | null = claim.record;
    if (record.inputHash !== ref.inputHash || record.operation !== ref.operation)
      throw new BadUserInputError(
        'this idempotencyKey was already used with other input; use a new key for a different request',
        'input.idempotencyKey',
      );
    record = await settle(deps, ref, record, options);
    // Released while we waited (the first call failed for certain): the key is free again.
    if (record === null) continue;
    if (record.state === 'done') return { kind: 'done', result: record.result };
    throw unknownOutcomeError(ref.key);
  }
}

/** Waits while the record is pending; answers it done or unknown, or null once it is gone. */
async function settle(
  { store, now }: ClaimDeps,
  ref: KeyRef,
  first: IdempotencyRecord,
  { deadline, staleMs }: ClaimOptions,
): Promise<IdempotencyRecord | null> {
  let record: IdempotencyRecord | null = first;
  let wait = FIRST_WAIT_MS;
  while (record !== null && record.state === 'pending') {
    if (now() - record.createdAt.getTime() > staleMs) {
      // Compare-and-set: if its holder finished meanwhile, read what it recorded instead.
      if (await store.idempotency.markUnknown(ref.identity, ref.key, { reason: 'abandoned' }))
        throw unknownOutcomeError(ref.key);
    } else if (now() + wait > deadline) {
      throw new OutcomeUnknownError(
        'a call with this idempotencyKey is still in progress; repeat the same request later to get its result',
        { idempotencyKey: ref.key, inProgress: true },
      );
    } else {
      await delay(wait);
      wait = Math.min(MAX_WAIT_MS, Math.ceil(wait * 1.5));
    }
    record = await store.idempotency.get(ref.identity, ref.key);
  }
  return record;
}
