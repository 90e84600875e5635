import { z } from 'zod';
import type { ApprovalState } from '../../store';
import { noControlChars } from '../tickets/input';

const numericId = z
  .union([z.string(), z.number()])
  .transform((v) => String(v).trim())
  .refine((v) => /^\d{1,15}$/.test(v), 'must be a numeric id');

const variableSchema = z
  .object({
    id: numericId.nullish(),
    name: z.string().min(1).max(128).nullish(),
    value: z
      .string()
      .max(64 * 1024, 'must be at most 64 KiB')
      .nullish(),
    hostIds: z
      .array(numericId)
      .min(1, 'must name at least one host')
      .max(5000, 'at most 5000 hosts')
      .nullish(),
  })
  .superRefine((v, ctx) => {
    if (v.id == null && !v.name)
      ctx.addIssue({ code: 'custom', path: ['id'], message: 'an id or a name is required' });
    if (v.value == null && v.hostIds == null)
      ctx.addIssue({
        code: 'custom',
        path: ['value'],
        message: 'a value (or hostIds for a host list) is required',
      });
    if (v.value != null && v.hostIds != null)
      ctx.addIssue({ code: 'custom', path: ['hostIds'], message: 'give a value or hostIds, not both' });
  });

export const requestExecutionSchema = z.object({
  businessId: numericId,
  planId: numericId,
  variables: z
    .array(variableSchema)
    .max(200, 'at most 200 variables')
    .nullish()
    .transform((v) => v ?? []),
  serviceId: numericId.nullish(),
  reason: z
    .string()
    .max(1000, 'must be at most 1000 characters')
    .refine(noControlChars, 'must not hold control characters')
    .transform((r) => r.trim())
    .refine((r) => r !== '', 'must not be empty'),
});
export type RequestExecutionInput = z.input<typeof requestExecutionSchema>;
export type ValidExecutionInput = z.output<typeof requestExecutionSchema>;

export const APPROVAL_DECISIONS = ['RUN_AGAIN', 'MARK_EXECUTED', 'MARK_FAILED'] as const;
export type ApprovalDecision = (typeof APPROVAL_DECISIONS)[number];

export const APPROVAL_STATES = [
  'PENDING',
  'APPROVED',
  'REJECTED',
  'EXECUTING',
  'EXECUTED',
  'FAILED',
  'AMBIGUOUS',
] as const satisfies readonly ApprovalState[];

export const approvalIdSchema = z.string().uuid('must be an approval id (a UUID)');

export const resolveSchema = z.object({
  id: approvalIdSchema,
  decision: z.enum(APPROVAL_DECISIONS),
  note: z
    .string()
    .max(1000, 'must be at most 1000 characters')
    .refine(noControlChars, 'must not hold control characters')
    .transform((n) => n.trim())
    .refine((n) => n !== '', 'is required: say why'),
});

export const approvalListSchema = z.object({
  state: z.enum(APPROVAL_STATES).nullish(),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(50),
});
