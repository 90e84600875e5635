/**
 * Small conversions shared by the system modules: BlueKing's wire values to domain values. They
 * never throw on odd input; a value BlueKing did not send becomes null.
 */

/** BlueKing ids are JSON integers (CMDB, JOB) or strings (JOB scope id); bk-graph exposes strings. */
export function idOf(v: unknown): string {
  return v === null || v === undefined ? '' : String(v);
}

export function idOrNull(v: unknown): string | null {
  return v === null || v === undefined || v === '' ? null : String(v);
}

/** Empty strings are how CMDB says "not set". */
export function textOrNull(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v);
  return s === '' ? null : s;
}

export function numberOrNull(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** Comma-joined values (`bk_host_innerip`, `bk_biz_maintainer`, ITSM `processors`) as a list. */
export function splitList(v: unknown, separator: RegExp = /[,;]/): string[] {
  if (Array.isArray(v)) return v.map(String).filter((s) => s !== '');
  if (typeof v !== 'string') return [];
  // Most values hold one item (a host's one IP, a business's one maintainer): no split, no copies.
  if (!separator.test(v)) {
    const one = v.trim();
    return one === '' ? [] : [one];
  }
  return v
    .split(separator)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** JOB times are epoch milliseconds; 0 or absent means "not yet". */
export function dateFromMillis(v: unknown): Date | null {
  const n = numberOrNull(v);
  return n === null || n <= 0 ? null : new Date(n);
}

/**
 * BlueKing's `"YYYY-MM-DD HH:MM:SS"` datetimes carry no zone: they are in the platform's zone,
 * which for BlueKing installs is almost always Asia/Shanghai (UTC+8, no DST), hence the default.
 * Python's `str(datetime)` forms (fractional seconds, `+08:00`) are accepted too, and an explicit
 * offset wins over the default.
 */
export function parseBkDateTime(v: unknown, defaultOffset = '+08:00'): Date | null {
  if (typeof v !== 'string') return null;
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(v.trim());
  if (!m) return null;
  const [, day, time, fraction, zone] = m;
  const ms = fraction ? fraction.slice(0, 4).padEnd(4, '0') : '';
  const offset = zone ?? defaultOffset;
  const iso = `${day}T${time}${ms}${offset === 'Z' ? 'Z' : offset.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2')}`;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** Splits `items` into chunks of at most `size` (the documented per-call limit). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs `fn` over `inputs` with at most `concurrency` in flight; results keep input order. */
export async function mapBounded<I, O>(
  inputs: readonly I[],
  concurrency: number,
  fn: (input: I) => Promise<O>,
): Promise<O[]> {
  const results = new Array<O>(inputs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < inputs.length) {
      const i = next++;
      results[i] = await fn(inputs[i] as I);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, inputs.length)) }, worker));
  return results;
}
