/** One page of a list, newest first, and how many rows match in all. */
export interface Page<T> {
  count: number;
  items: T[];
}

export interface PageArgs {
  offset: number;
  limit: number;
}

/** count(*) is int8: a string from `pg`, a number from PGlite. */
export function toCount(row: { count: string | number | bigint } | undefined): number {
  return row === undefined ? 0 : Number(row.count);
}
