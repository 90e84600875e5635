import { BadUserInputError } from '../errors';

/**
 * Domain ids are strings; BlueKing wants integers. An id that is not a non-negative integer is the
 * caller's mistake, reported with the field named, before any upstream call.
 */
export function wireId(id: string | number, field: string): number {
  const s = String(id).trim();
  if (!/^\d{1,15}$/.test(s))
    throw new BadUserInputError(
      `${field} must be a numeric id, but got: ${JSON.stringify(String(id))}`,
      field,
    );
  return Number(s);
}

export function wireIds(ids: readonly (string | number)[], field: string): number[] {
  return ids.map((id) => wireId(id, field));
}
