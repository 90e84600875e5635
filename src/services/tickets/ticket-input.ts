import { z } from 'zod';
import type { TicketAction } from '../../upstream/domain';
import { noControlChars } from './input';

/** ITSM serial numbers (`NO2019090519542603`): letters, digits, `_` and `-`. */
export const SN_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const snSchema = z.string().regex(SN_PATTERN, 'must be an ITSM ticket sn such as NO2019090519542603');

const numericId = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .refine((v) => /^\d{1,15}$/.test(v), 'must be a numeric id');

const printable = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine(noControlChars, 'must not hold control characters');

/** Keys of service fields: ITSM form keys (identifiers), and never `title` (given on its own). */
const fieldKey = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be a form key: a letter, then letters, digits or _ (≤ 64)')
  .refine((k) => k !== 'title', 'title is given as input.title, not as a field');

export const MAX_TITLE = 120;
const MAX_FIELDS = 50;
const MAX_FIELD_VALUE = 8000;
/** All field values together: an ITSM form is for people to read, not for payloads. */
const MAX_FIELDS_BYTES = 32 * 1024;

export const createTicketSchema = z.object({
  serviceId: numericId,
  title: printable(MAX_TITLE)
    .transform((t) => t.trim())
    .refine((t) => t !== '', 'must not be empty'),
  fields: z
    .array(z.object({ key: fieldKey, value: printable(MAX_FIELD_VALUE) }))
    .max(MAX_FIELDS, `at most ${MAX_FIELDS} fields`)
    .nullish()
    .transform((f) => f ?? [])
    .superRefine((fields, ctx) => {
      const seen = new Set<string>();
      fields.forEach((f, i) => {
        if (seen.has(f.key)) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `repeats ${f.key}` });
        seen.add(f.key);
      });
      const bytes = fields.reduce((n, f) => n + Buffer.byteLength(f.key) + Buffer.byteLength(f.value), 0);
      if (bytes > MAX_FIELDS_BYTES)
        ctx.addIssue({ code: 'custom', message: `must total at most ${MAX_FIELDS_BYTES} bytes` });
    }),
});
export type CreateTicketInput = z.input<typeof createTicketSchema>;
export type ValidTicketInput = z.output<typeof createTicketSchema>;

const ACTIONS = ['SUSPEND', 'UNSUSPEND', 'WITHDRAW', 'TERMINATE'] as const satisfies readonly TicketAction[];

export const operateTicketSchema = z
  .object({
    sn: snSchema,
    action: z.enum(ACTIONS),
    message: printable(1000).nullish(),
  })
  .superRefine((v, ctx) => {
    // ITSM requires a message for these two (CONTRACTS.md §7.9).
    if ((v.action === 'SUSPEND' || v.action === 'TERMINATE') && !v.message?.trim())
      ctx.addIssue({ code: 'custom', path: ['message'], message: `is required to ${v.action}` });
  });
export type OperateTicketInput = z.input<typeof operateTicketSchema>;

export const idempotencyKeySchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
  .nullish();

export const pageSchema = z.object({
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(50),
});
