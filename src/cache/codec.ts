/**
 * How cached values are written: JSON, with `Date`s tagged so they come back as `Date`s (the
 * domain types in src/upstream/domain.ts carry times as `Date`). Anything else that is not plain
 * JSON (class instances, Maps, undefined inside arrays) does not survive: callers cache plain data.
 */

const DATE_TAG = '$date';

function replacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  // JSON.stringify has already called Date#toJSON on `value`; the original is still on `this`.
  const raw = this[key];
  return raw instanceof Date ? { [DATE_TAG]: raw.toISOString() } : value;
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const tagged = value as Record<string, unknown>;
    const iso = tagged[DATE_TAG];
    if (typeof iso === 'string' && Object.keys(tagged).length === 1) return new Date(iso);
  }
  return value;
}

export function encodeValue(data: unknown): string {
  return JSON.stringify(data, replacer);
}

export function decodeValue<T>(text: string): T {
  return JSON.parse(text, reviver) as T;
}
