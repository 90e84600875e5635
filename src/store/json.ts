/**
 * A value for a jsonb column: JSON text, or SQL NULL for null/undefined. Text, because `pg` would
 * send a JS array as a Postgres array literal; both drivers let the server parse text into jsonb.
 */
export function toJson(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}
