import { SbRawReply } from '../types';

/**
 * Bodies of the modules' `/_sandbox/*` settings routes: a fixed set of non-negative integer
 * fields, every one optional (absent = 0) and `{}` clearing them all. Bad input is a 400 that
 * names each field at fault and the fields there are.
 */

/** Longest delay a control route accepts: a test waiting longer has lost its way. */
export const MAX_DELAY_MS = 600_000;

export function readCounts<K extends string>(
  body: Record<string, unknown>,
  limits: Readonly<Record<K, number>>,
): Record<K, number> {
  const known = Object.keys(limits) as K[];
  const problems: string[] = [];
  const unknown = Object.keys(body).filter((k) => !(known as string[]).includes(k));
  if (unknown.length > 0) problems.push(`unknown fields: ${unknown.join(', ')} (known: ${known.join(', ')})`);
  const value = {} as Record<K, number>;
  for (const k of known) {
    const v = body[k] ?? 0;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > limits[k]) {
      problems.push(`${k} must be an integer from 0 to ${limits[k]}, got ${JSON.stringify(v)}`);
    } else value[k] = v;
  }
  if (problems.length > 0) throw new SbRawReply(400, { error: problems.join('; ') });
  return value;
}
