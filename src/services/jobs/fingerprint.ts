import { createHash, randomBytes } from 'node:crypto';
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

/** The hash an idempotency key is bound to: the operation, its canonical input and the approval it carries out. */
export function executionHash(operation: string, input: ValidExecution, approvalId: string | null): string {
  return sha256(stableJson({ operation, input, approvalId }));
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
