/**
 * Shape comparison of a sandbox answer against a BlueKing doc fixture: same keys at every object
 * level, same JSON type per key (a null in the fixture matches any type). Every element of an
 * answer's array must have the shape of an element the fixture shows at that place; when the
 * fixture's elements agree that is simply its first element's shape, and when the doc mixes kinds
 * (upload and download logs, script and file steps) each answer element must match one of them.
 * Values are never compared, only shapes.
 */

export type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

export function jsonType(v: unknown): JsonType {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    default:
      return 'object';
  }
}

/**
 * Exceptions to strict key equality. `pattern` is a path with array indices written `[]`, e.g.
 * `$.data.info[]`; `$` is the body itself.
 */
export interface ShapeRules {
  /** Keys the answer may carry although the fixture does not show them. */
  extraKeys?: ReadonlyArray<{ pattern: string; key: string }>;
  /** Keys of the fixture the answer may leave out. */
  optionalKeys?: ReadonlyArray<{ pattern: string; key: string }>;
  /** A fixture key the answer may spell differently (a doc typo the notes call out). */
  aliases?: ReadonlyArray<{ pattern: string; key: string; as: string }>;
  /**
   * Array patterns the answer may leave empty although the fixture shows elements. Any other
   * empty array is a problem: its elements' shape went unchecked.
   */
  emptyOk?: readonly string[];
}

function has(
  list: ReadonlyArray<{ pattern: string; key: string }> | undefined,
  pattern: string,
  key: string,
) {
  return (list ?? []).some((r) => r.pattern === pattern && r.key === key);
}

/**
 * Every element the fixture shows at each array pattern, across all parents: the doc may show a
 * kind of element in one parent only (e.g. a download log under one host, an upload under another).
 */
type Pool = Map<string, unknown[]>;

function collect(v: unknown, pattern: string, pool: Pool): void {
  if (Array.isArray(v)) {
    const p = `${pattern}[]`;
    pool.set(p, [...(pool.get(p) ?? []), ...v]);
    for (const e of v) collect(e, p, pool);
  } else if (jsonType(v) === 'object') {
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) collect(x, `${pattern}.${k}`, pool);
  }
}

interface Ctx {
  rules: ShapeRules;
  pool: Pool;
  /** Distinct element shapes per array pattern, computed once. */
  alts: Map<string, unknown[]>;
}

function alternatives(ctx: Ctx, pattern: string): unknown[] {
  const known = ctx.alts.get(pattern);
  if (known) return known;
  const alts: unknown[] = [];
  for (const e of ctx.pool.get(pattern) ?? []) {
    const same = alts.some(
      (a) => walk(ctx, a, e, '$', pattern).length === 0 && walk(ctx, e, a, '$', pattern).length === 0,
    );
    if (!same) alts.push(e);
  }
  ctx.alts.set(pattern, alts);
  return alts;
}

/** Problems at the element itself (missing/extra keys) weigh more than deeper ones. */
function score(problems: string[], elemPath: string): number {
  return problems.reduce((n, p) => n + (p.startsWith(`${elemPath}:`) ? 100 : 1), 0);
}

function walk(ctx: Ctx, expected: unknown, actual: unknown, path: string, pattern: string): string[] {
  const et = jsonType(expected);
  // A null in the doc example says nothing about the type.
  if (et === 'null') return [];
  const at = jsonType(actual);
  if (et !== at) return [`${path}: expected ${et}, got ${at}`];

  if (et === 'array') {
    const act = actual as unknown[];
    const elemPattern = `${pattern}[]`;
    const alts = alternatives(ctx, elemPattern);
    if (alts.length === 0) return [];
    if (act.length === 0) {
      // Fine where the fixture itself shows an empty array, or where a rule allows it.
      return (expected as unknown[]).length === 0 || (ctx.rules.emptyOk ?? []).includes(pattern)
        ? []
        : [`${path}: got an empty array, so the fixture's element shape could not be checked`];
    }
    for (let i = 0; i < act.length; i++) {
      const elemPath = `${path}[${i}]`;
      let best: string[] | null = null;
      for (const alt of alts) {
        const problems = walk(ctx, alt, act[i], elemPath, elemPattern);
        if (problems.length === 0) {
          best = [];
          break;
        }
        if (best === null || score(problems, elemPath) < score(best, elemPath)) best = problems;
      }
      if (best && best.length > 0) {
        const more = act.length - i - 1;
        return more > 0 ? [...best, `${path}: (${more} later element(s) not checked)`] : best;
      }
    }
    return [];
  }

  if (et === 'object') {
    const exp = expected as Record<string, unknown>;
    const act = actual as Record<string, unknown>;
    const problems: string[] = [];
    const matched = new Set<string>();
    for (const key of Object.keys(exp)) {
      let actualKey: string | null = key in act ? key : null;
      if (actualKey === null) {
        const alias = (ctx.rules.aliases ?? []).find(
          (a) => a.pattern === pattern && a.key === key && a.as in act,
        );
        if (alias) actualKey = alias.as;
      }
      if (actualKey === null) {
        if (!has(ctx.rules.optionalKeys, pattern, key)) problems.push(`${path}: missing key "${key}"`);
        continue;
      }
      matched.add(actualKey);
      problems.push(...walk(ctx, exp[key], act[actualKey], `${path}.${key}`, `${pattern}.${key}`));
    }
    for (const key of Object.keys(act)) {
      if (matched.has(key) || key in exp) continue;
      if (!has(ctx.rules.extraKeys, pattern, key)) {
        problems.push(`${path}: extra key "${key}" (${jsonType(act[key])}) not in the fixture`);
      }
    }
    return problems;
  }
  return [];
}

/** Every way `actual` differs in shape from `expected`; empty when they agree. */
export function compareShape(expected: unknown, actual: unknown, rules: ShapeRules = {}): string[] {
  const pool: Pool = new Map();
  collect(expected, '$', pool);
  return walk({ rules, pool, alts: new Map() }, expected, actual, '$', '$');
}
