import { BadUserInputError } from '../errors';

/**
 * Relay paging over CMDB's `start/limit`. A cursor is the opaque base64 of an item's offset in the
 * whole list; `after: c` continues at offset(c) + 1.
 */

const CURSOR_PREFIX = 'offset:';
/** Far beyond any CMDB list; rejects cursors that were not made here. */
const MAX_OFFSET = 100_000_000;

export function encodeCursor(offset: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${offset}`, 'utf8').toString('base64');
}

export function decodeCursor(cursor: string, argName = 'after'): number {
  const text = /^[A-Za-z0-9+/]+={0,2}$/.test(cursor) ? Buffer.from(cursor, 'base64').toString('utf8') : '';
  const match = /^offset:(0|[1-9]\d{0,8})$/.exec(text);
  const offset = match?.[1] === undefined ? NaN : Number(match[1]);
  if (!Number.isSafeInteger(offset) || offset > MAX_OFFSET) {
    throw new BadUserInputError(`\`${argName}\` is not a cursor this API handed out`, argName);
  }
  return offset;
}

export interface PageRequest {
  /** Offset of the first item to return. */
  offset: number;
  /** How many items to return. */
  limit: number;
}

export interface PageArgsInput {
  first?: number | null;
  after?: string | null;
}

/** Validates `first`/`after` and turns them into an offset window. */
export function readPageArgs(args: PageArgsInput, { defaultFirst = 50, maxFirst = 500 } = {}): PageRequest {
  const first = args.first ?? defaultFirst;
  if (!Number.isInteger(first) || first < 1 || first > maxFirst) {
    throw new BadUserInputError(`\`first\` must be between 1 and ${maxFirst}, got ${first}`, 'first');
  }
  const offset = args.after == null ? 0 : decodeCursor(args.after) + 1;
  return { offset, limit: first };
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  totalCount: number;
}

/**
 * Builds a connection from one window of a list whose total size is `totalCount`. Edges (a cursor
 * per item) are built only if the query reads them: most clients read `nodes`, and a 500-host page
 * would otherwise encode 500 cursors nobody sees.
 */
export function toConnection<T>(items: readonly T[], offset: number, totalCount: number): Connection<T> {
  const last = items.length - 1;
  return {
    get edges() {
      return items.map((node, i) => ({ cursor: encodeCursor(offset + i), node }));
    },
    nodes: items as T[],
    pageInfo: {
      hasNextPage: offset + items.length < totalCount,
      hasPreviousPage: offset > 0,
      startCursor: last >= 0 ? encodeCursor(offset) : null,
      endCursor: last >= 0 ? encodeCursor(offset + last) : null,
    },
    totalCount,
  };
}

/** A connection whose items were not selected: its counts and cursors follow from offsets alone. */
export function countOnlyConnection<T>(offset: number, limit: number, totalCount: number): Connection<T> {
  const n = Math.max(0, Math.min(limit, totalCount - offset));
  return {
    edges: [],
    nodes: [],
    pageInfo: {
      hasNextPage: offset + n < totalCount,
      hasPreviousPage: offset > 0,
      startCursor: n > 0 ? encodeCursor(offset) : null,
      endCursor: n > 0 ? encodeCursor(offset + n - 1) : null,
    },
    totalCount,
  };
}
