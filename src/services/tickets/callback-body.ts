import { z } from 'zod';
import { SN_PATTERN } from './ticket-input';

/**
 * The body ITSM POSTs to `meta.callback_url` when a ticket ends (CONTRACTS.md §7.10): every key
 * bk-log's receiver requires, with the formats ITSM produces. Keys ITSM may add later pass; a
 * missing or mistyped one makes the callback malformed.
 */
export const itsmCallbackSchema = z.object({
  sn: z.string().regex(SN_PATTERN),
  title: z.string().max(4096),
  ticket_url: z.string().max(4096),
  current_status: z.string().regex(/^[A-Z_]{1,32}$/),
  updated_by: z.string().max(4096),
  // Python's str(datetime): "2020-08-31 20:57:22.123456", maybe with an offset.
  update_at: z.string().regex(/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:?\d{2})?$/),
  approve_result: z.boolean(),
  // base64 of a 16-byte IV and AES blocks (§7.4); ITSM is the only one who can check it.
  token: z
    .string()
    .min(1)
    .max(1024)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/),
  last_approver: z.string().max(4096).nullish(),
});

export type ItsmCallbackBody = z.infer<typeof itsmCallbackSchema>;

export type ParsedCallback = { ok: true; body: ItsmCallbackBody } | { ok: false; reason: string };

/** The callback in `text`, or why it is malformed (names the key, never echoes the value). */
export function parseCallbackBody(text: string): ParsedCallback {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return { ok: false, reason: 'body is not a JSON object' };
  const parsed = itsmCallbackSchema.safeParse(json);
  if (parsed.success) return { ok: true, body: parsed.data };
  const keys = [...new Set(parsed.error.issues.map((i) => String(i.path[0] ?? 'body')))];
  return { ok: false, reason: `missing or invalid: ${keys.join(', ')}` };
}

/** The sn a body names, when it is a JSON object with a well-formed one (for the inbox row). */
export function snOf(text: string): string | null {
  try {
    const sn = (JSON.parse(text) as { sn?: unknown } | null)?.sn;
    return typeof sn === 'string' && SN_PATTERN.test(sn) ? sn : null;
  } catch {
    return null;
  }
}
