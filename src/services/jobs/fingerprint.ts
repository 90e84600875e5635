import { createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { ValidExecution } from './validate';

/**
 * Hashes that stand in for what must not be stored in clear: an execution's input (the
 * idempotency record keeps only its hash, though the script and its params are part of it), a
 * script's text (the audit log names the script by it) and a job's callback token.
 */

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** JSON with object keys sorted at every level, so equal values always give the same text. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The key of `executionHash`, derived from the store key (Config.storeKey) so every replica
 * derives the same one.
 */
export function executionHashKey(storeKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', storeKey, Buffer.alloc(0), 'bk-graph job input v1', 32));
}

/**
 * The hash an idempotency key is bound to: the operation, its canonical input and the approval it
 * carries out. The input holds password variables and sensitive script params, so with a key it
 * is an HMAC: a plain hash in a leaked database could be checked against guessed passwords.
 */
export function executionHash(
  operation: string,
  input: ValidExecution,
  approvalId: string | null,
  key?: Buffer,
): string {
  const text = stableJson({ operation, input, approvalId });
  return key ? createHmac('sha256', key).update(text, 'utf8').digest('hex') : sha256(text);
}

export function scriptHash(script: string): string {
  return sha256(script);
}

/**
 * A job's callback secret: 32 random bytes, base64url (it travels in the callback URL's query).
 * Only its hash is stored, so a leaked database does not let anyone forge a callback.
 */
export function newCallbackToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: callbackTokenHash(token) };
}

export function callbackTokenHash(token: string): string {
  return sha256(token);
}
