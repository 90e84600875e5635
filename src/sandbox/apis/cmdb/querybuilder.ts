import { paramInvalid } from './errors';

/**
 * CMDB's two filter languages: the querybuilder (`host_property_filter`, `biz_property_filter`,
 * `filter`, ...: `{condition: AND|OR, rules: [...]}`) and the legacy Mongo-style `condition` dict
 * (`{field: value}` or `{field: {$in: [...]}}`). One evaluator each, shared by every API.
 */
export type Row = Readonly<Record<string, unknown>>;
/** Rows are seeded interfaces (SbHost, ...), read field by field. */
export type Predicate = (row: object) => boolean;

/** IP fields are arrays in CMDB's store (shown comma-joined): a rule matches any element. */
const MULTI_VALUED = new Set([
  'bk_host_innerip',
  'bk_host_outerip',
  'bk_host_innerip_v6',
  'bk_host_outerip_v6',
]);

function valuesOf(row: object, field: string): unknown[] {
  const v = (row as Row)[field];
  if (MULTI_VALUED.has(field) && typeof v === 'string') return v === '' ? [''] : v.split(',');
  return [v];
}

const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const lower = (v: unknown) => String(v ?? '').toLowerCase();

type RuleCheck = {
  needs: 'scalar' | 'array' | 'number' | 'pair' | 'string' | 'none';
  test: (field: unknown, value: unknown) => boolean;
};

const OPERATORS: Record<string, RuleCheck> = {
  equal: { needs: 'scalar', test: (f, v) => f === v },
  not_equal: { needs: 'scalar', test: (f, v) => f !== v },
  in: { needs: 'array', test: (f, v) => (v as unknown[]).includes(f) },
  not_in: { needs: 'array', test: (f, v) => !(v as unknown[]).includes(f) },
  less: { needs: 'number', test: (f, v) => typeof f === 'number' && f < (v as number) },
  less_or_equal: { needs: 'number', test: (f, v) => typeof f === 'number' && f <= (v as number) },
  greater: { needs: 'number', test: (f, v) => typeof f === 'number' && f > (v as number) },
  greater_or_equal: { needs: 'number', test: (f, v) => typeof f === 'number' && f >= (v as number) },
  between: {
    needs: 'pair',
    test: (f, v) => typeof f === 'number' && f >= (v as number[])[0]! && f <= (v as number[])[1]!,
  },
  not_between: {
    needs: 'pair',
    test: (f, v) => !(typeof f === 'number' && f >= (v as number[])[0]! && f <= (v as number[])[1]!),
  },
  // CMDB turns these into case-insensitive regexes.
  contains: { needs: 'string', test: (f, v) => lower(f).includes(lower(v)) },
  not_contains: { needs: 'string', test: (f, v) => !lower(f).includes(lower(v)) },
  begins_with: { needs: 'string', test: (f, v) => lower(f).startsWith(lower(v)) },
  not_begins_with: { needs: 'string', test: (f, v) => !lower(f).startsWith(lower(v)) },
  ends_with: { needs: 'string', test: (f, v) => lower(f).endsWith(lower(v)) },
  not_ends_with: { needs: 'string', test: (f, v) => !lower(f).endsWith(lower(v)) },
  is_empty: { needs: 'none', test: (f) => f === '' || (Array.isArray(f) && f.length === 0) },
  is_not_empty: { needs: 'none', test: (f) => !(f === '' || (Array.isArray(f) && f.length === 0)) },
  is_null: { needs: 'none', test: (f) => f === null },
  is_not_null: { needs: 'none', test: (f) => f !== null },
  exist: { needs: 'none', test: (f) => f !== undefined },
  not_exist: { needs: 'none', test: (f) => f === undefined },
};

/** Negated operators must hold for every element of a multi-valued field, the others for any. */
const NEGATED = new Set([
  'not_equal',
  'not_in',
  'not_contains',
  'not_begins_with',
  'not_ends_with',
  'not_between',
]);

export interface QueryBuilderLimits {
  /** Deepest nesting of groups (the top group is depth 1). @default 3 */
  maxDepth?: number;
  /** @default 20 */
  maxRules?: number;
  /** Elements of an `in`/`not_in` array. @default 500 */
  maxElements?: number;
}

/**
 * Compiles a querybuilder filter into a predicate, or throws 1199006 naming the parameter.
 * `undefined`/`null` means "no filter".
 */
export function compileQueryBuilder(
  filter: unknown,
  paramName: string,
  limits: QueryBuilderLimits = {},
): Predicate {
  if (filter === undefined || filter === null) return () => true;
  const { maxDepth = 3, maxRules = 20, maxElements = 500 } = limits;
  let ruleCount = 0;

  const compile = (node: unknown, depth: number): Predicate => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) throw paramInvalid(paramName);
    const n = node as Record<string, unknown>;
    if ('condition' in n || 'rules' in n) {
      if (depth > maxDepth) throw paramInvalid(paramName);
      if (n.condition !== 'AND' && n.condition !== 'OR') throw paramInvalid(paramName);
      if (!Array.isArray(n.rules) || n.rules.length === 0) throw paramInvalid(paramName);
      const children = n.rules.map((r) => compile(r, depth + 1));
      return n.condition === 'AND'
        ? (row) => children.every((c) => c(row))
        : (row) => children.some((c) => c(row));
    }
    ruleCount++;
    if (ruleCount > maxRules) throw paramInvalid(paramName);
    const field = n.field;
    const op = typeof n.operator === 'string' ? OPERATORS[n.operator] : undefined;
    if (typeof field !== 'string' || field === '' || !op) throw paramInvalid(paramName);
    const v = n.value;
    const ok =
      op.needs === 'none' ||
      (op.needs === 'scalar' && isScalar(v)) ||
      (op.needs === 'string' && typeof v === 'string') ||
      (op.needs === 'number' && typeof v === 'number') ||
      (op.needs === 'pair' && Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) ||
      (op.needs === 'array' &&
        Array.isArray(v) &&
        v.length > 0 &&
        v.length <= maxElements &&
        v.every(isScalar));
    if (!ok) throw paramInvalid(paramName);
    const negated = NEGATED.has(n.operator as string);
    return (row) => {
      const values = valuesOf(row, field);
      return negated ? values.every((x) => op.test(x, v)) : values.some((x) => op.test(x, v));
    };
  };
  return compile(filter, 1);
}

/** Legacy `condition` dicts: plain equality or `$eq/$ne/$in/$nin/$regex/$gt/$gte/$lt/$lte/$exists`. */
export function compileCondition(condition: unknown, paramName: string): Predicate {
  if (condition === undefined || condition === null) return () => true;
  if (typeof condition !== 'object' || Array.isArray(condition)) throw paramInvalid(paramName);
  const checks: Predicate[] = [];
  for (const [field, expected] of Object.entries(condition as Record<string, unknown>)) {
    if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
      for (const [op, arg] of Object.entries(expected as Record<string, unknown>)) {
        checks.push(operatorCheck(field, op, arg, paramName));
      }
    } else {
      checks.push((row) => valuesOf(row, field).some((x) => x === expected));
    }
  }
  return (row) => checks.every((c) => c(row));
}

function operatorCheck(field: string, op: string, arg: unknown, paramName: string): Predicate {
  const any =
    (test: (x: unknown) => boolean): Predicate =>
    (row) =>
      valuesOf(row, field).some(test);
  const num = (f: (x: number, a: number) => boolean): Predicate => {
    if (typeof arg !== 'number') throw paramInvalid(paramName);
    return any((x) => typeof x === 'number' && f(x, arg));
  };
  switch (op) {
    case '$eq':
      return any((x) => x === arg);
    case '$ne':
      return (row) => valuesOf(row, field).every((x) => x !== arg);
    case '$in':
      if (!Array.isArray(arg)) throw paramInvalid(paramName);
      return any((x) => arg.includes(x));
    case '$nin':
      if (!Array.isArray(arg)) throw paramInvalid(paramName);
      return (row) => valuesOf(row, field).every((x) => !arg.includes(x));
    case '$regex': {
      if (typeof arg !== 'string') throw paramInvalid(paramName);
      let re: RegExp;
      try {
        re = new RegExp(arg);
      } catch {
        throw paramInvalid(paramName);
      }
      return any((x) => typeof x === 'string' && re.test(x));
    }
    case '$gt':
      return num((x, a) => x > a);
    case '$gte':
      return num((x, a) => x >= a);
    case '$lt':
      return num((x, a) => x < a);
    case '$lte':
      return num((x, a) => x <= a);
    case '$exists':
      return (row) => ((row as Row)[field] !== undefined) === Boolean(arg);
    default:
      throw paramInvalid(paramName);
  }
}
