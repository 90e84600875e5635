import type { SbRequest } from '../../types';
import { exceedLimit, paramInvalid, paramOmitted } from './errors';
import type { Row } from './querybuilder';

/** Parameter parsing shared by the CMDB APIs; every failure is CMDB's own code and text. */

export interface Page {
  start: number;
  /** null = no limit (only where the API allows omitting `page`). */
  limit: number | null;
  sort: string;
}

/**
 * `page` per metadata.BasePage; `max` is the documented maximum. A missing page or a limit ≤ 0
 * fails like CMDB's `Validate` (1199006 page.limit) where the page is required.
 */
export function parsePage(raw: unknown, opts: { required: boolean; max: number }): Page {
  if (raw === undefined || raw === null) {
    if (opts.required) throw paramInvalid('page.limit');
    return { start: 0, limit: null, sort: '' };
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) throw paramInvalid('page');
  const p = raw as Record<string, unknown>;
  const start = p.start ?? 0;
  if (typeof start !== 'number' || !Number.isInteger(start) || start < 0) throw paramInvalid('page.start');
  const limit = p.limit ?? 0;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0) throw paramInvalid('page.limit');
  if (limit === 0 && opts.required) throw paramInvalid('page.limit');
  if (limit > opts.max) throw paramInvalid('page.limit');
  const sort = p.sort ?? '';
  if (typeof sort !== 'string') throw paramInvalid('page.sort');
  return { start, limit: limit === 0 ? null : limit, sort };
}

/** `bk_biz_id` from the APIGW path, else the body; 0 or missing → 1199006 bk_biz_id. */
export function bizIdOf(req: SbRequest): number {
  const raw = req.pathParams.bk_biz_id ?? req.body.bk_biz_id;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n <= 0) throw paramInvalid('bk_biz_id');
  return n;
}

/** `fields`: an array of strings; `required` → missing or empty is 1199008. */
export function parseFields(raw: unknown, required: boolean): string[] {
  if (raw === undefined || raw === null) {
    if (required) throw paramOmitted('fields');
    return [];
  }
  if (!Array.isArray(raw) || raw.some((f) => typeof f !== 'string')) throw paramInvalid('fields');
  if (raw.length === 0 && required) throw paramOmitted('fields');
  return raw as string[];
}

/** An optional array of positive integer ids with a maximum length. */
export function parseIds(
  raw: unknown,
  name: string,
  max: number,
  overflow: 'invalid' | 'exceed' = 'invalid',
): number[] | null {
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw) || raw.some((v) => typeof v !== 'number' || !Number.isInteger(v)))
    throw paramInvalid(name);
  if (raw.length > max) throw overflow === 'exceed' ? exceedLimit(name, max) : paramInvalid(name);
  return raw as number[];
}

/** Only the requested fields, in request order (plus `always`, as CMDB adds `default`). */
export function project<T extends object>(
  row: T,
  fields: readonly string[],
  always: readonly string[] = [],
): Record<string, unknown> {
  const source = row as Record<string, unknown>;
  if (fields.length === 0) return { ...source };
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f in source) out[f] = source[f];
  for (const f of always) if (f in source) out[f] = source[f];
  return out;
}

interface SortKey {
  field: string;
  dir: 1 | -1;
}

/** `page.sort`: comma-separated fields, `-` prefix for descending. */
function sortKeys(sort: string): SortKey[] {
  return sort
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s): SortKey => (s.startsWith('-') ? { field: s.slice(1), dir: -1 } : { field: s, dir: 1 }));
}

/** Whether every row's `field` is a number, none smaller than the one before. */
function ascendingNumbers(rows: readonly object[], field: string): boolean {
  let previous = -Infinity;
  for (const row of rows) {
    const v = (row as Row)[field];
    if (typeof v !== 'number' || !(v >= previous)) return false;
    previous = v;
  }
  return true;
}

/**
 * `page.sort`: comma-separated fields, `-` prefix for descending; ties fall back to `idField`.
 * Rows usually arrive in `idField` order already (seeded rows and the CMDB index are). When the
 * order asked for is that one (no sort keys, or `idField` ascending, which is what clients send
 * for a stable page order) they are returned as they are, not copied and sorted again. Callers
 * whose rows are in `idField` order by construction say so with `inIdOrder`, which also skips the
 * check: run over a business's thousands of hosts on every page call, it was a fifth of the
 * sandbox's CPU under fleet-style traffic.
 */
export function sortRows<T extends object>(
  rows: readonly T[],
  sort: string,
  idField: string,
  inIdOrder = false,
): readonly T[] {
  const keys = sortKeys(sort);
  const byIdOnly = keys.every((k) => k.field === idField && k.dir === 1);
  if (byIdOnly && (inIdOrder || ascendingNumbers(rows, idField))) return rows;
  keys.push({ field: idField, dir: 1 });
  const cmp = (a: unknown, b: unknown): number => {
    if (a === b) return 0;
    if (a === undefined || a === null) return -1;
    if (b === undefined || b === null) return 1;
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    return String(a) < String(b) ? -1 : 1;
  };
  return [...rows].sort((x, y) => {
    for (const k of keys) {
      const c = cmp((x as Row)[k.field], (y as Row)[k.field]) * k.dir;
      if (c !== 0) return c;
    }
    return 0;
  });
}

export function slicePage<T>(rows: readonly T[], page: Page): T[] {
  return page.limit === null ? rows.slice(page.start) : rows.slice(page.start, page.start + page.limit);
}

/** `time_condition` (`oper: "and"`, rules `{field, start, end}` as "yyyy-MM-dd hh:mm:ss", +08:00). */
export function compileTimeCondition(raw: unknown): (row: object) => boolean {
  if (raw === undefined || raw === null) return () => true;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw paramInvalid('time_condition');
  const t = raw as Record<string, unknown>;
  if (t.oper !== 'and' || !Array.isArray(t.rules) || t.rules.length === 0)
    throw paramInvalid('time_condition');
  const parse = (s: unknown) => {
    if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(s))
      throw paramInvalid('time_condition');
    return Date.parse(`${s.replace(' ', 'T')}+08:00`);
  };
  const rules = t.rules.map((r: unknown) => {
    if (r === null || typeof r !== 'object') throw paramInvalid('time_condition');
    const rr = r as Record<string, unknown>;
    if (typeof rr.field !== 'string') throw paramInvalid('time_condition');
    return { field: rr.field, start: parse(rr.start), end: parse(rr.end) };
  });
  return (row) =>
    rules.every((r) => {
      const v = (row as Row)[r.field];
      const ms = typeof v === 'string' ? Date.parse(v) : NaN;
      return ms >= r.start && ms <= r.end;
    });
}
