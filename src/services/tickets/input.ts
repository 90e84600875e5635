import type { z } from 'zod';
import { BadUserInputError } from '../../errors';

/** `['fields', 2, 'key']` → `input.fields[2].key`: the name the GraphQL caller gave it. */
export function fieldName(path: readonly PropertyKey[], root = 'input'): string {
  let name = root;
  for (const part of path) {
    if (typeof part === 'number') name += `[${part}]`;
    else name += name === '' ? String(part) : `.${String(part)}`;
  }
  return name || 'input';
}

/**
 * Parses a mutation's input, or throws BAD_USER_INPUT naming the first offending field (as
 * `input.<field>`), before anything is sent upstream.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, root = 'input'): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = fieldName(issue?.path ?? [], root);
  throw new BadUserInputError(`${field}: ${issue?.message ?? 'is invalid'}`, field);
}

// Control characters other than tab and newlines cannot be shown to an approver and break forms;
// matching them is the point of this pattern.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export const noControlChars = (s: string): boolean => !CONTROL_CHARS.test(s);
