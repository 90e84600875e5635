import { createHash } from 'node:crypto';
import { assertSchemaName } from '../store/schema-name';

const BASE = 'bk_graph_events';
// Postgres truncates identifiers to 63 bytes and pg_notify rejects longer channel names.
const MAX_CHANNEL = 63;

/**
 * The Postgres channel of one store schema: `bk_graph_events` for `public` (or none), else
 * `bk_graph_events_<schema>` (a hash of it when that would be too long), so stores in different
 * schemas of one database (parallel test files) do not hear each other.
 */
export function pgChannelName(schema?: string): string {
  if (schema === undefined || schema === 'public') return BASE;
  assertSchemaName(schema);
  const plain = `${BASE}_${schema}`;
  if (plain.length <= MAX_CHANNEL) return plain;
  return `${BASE}_${createHash('sha256').update(schema).digest('hex').slice(0, 32)}`;
}

/** The Redis channel of one deployment (or test file). */
export const DEFAULT_REDIS_NAMESPACE = 'bk-graph:events';
