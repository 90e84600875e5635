/**
 * The API calls the sandbox received, newest last, for `GET /_sandbox/requests`: what bk-graph
 * actually asked (paths, query strings and bodies), so tests and the benchmark can see and replay
 * the exact calls of one GraphQL request. Credentials are never kept: headers are not recorded,
 * and credential fields of ESB query strings and bodies are masked.
 *
 * Bounded by count and by body bytes (a 1000-agent GSE body is ~35 KB), oldest dropped first.
 */
export interface JournalEntry {
  /** `<system>.<api>`, as in `/_sandbox/stats`. */
  api: string;
  transport: 'apigw' | 'esb';
  method: string;
  /** Path and query string as received (credential parameters masked). */
  path: string;
  /** The raw body (credential fields masked), or null when there was none. */
  body: string | null;
  /**
   * When the request arrived and when its answer was written, in ms since the sandbox started
   * (null while it is being answered): tests read the order of calls from these, e.g. that one
   * call went out before another had answered.
   */
  receivedMs: number;
  answeredMs: number | null;
}

/** ESB credential fields that are secrets (CONTRACTS.md, ESB auth): masked wherever they appear. */
const SECRET_FIELDS = new Set([
  'bk_app_secret',
  'app_secret',
  'bk_signature',
  'bk_token',
  'access_token',
  'jwt',
  'bk_ticket',
]);
const MASK = '***';

export function maskQuery(pathAndQuery: string): string {
  const q = pathAndQuery.indexOf('?');
  if (q < 0) return pathAndQuery;
  const params = new URLSearchParams(pathAndQuery.slice(q + 1));
  let masked = false;
  for (const name of SECRET_FIELDS)
    if (params.has(name)) {
      params.set(name, MASK);
      masked = true;
    }
  return masked ? `${pathAndQuery.slice(0, q)}?${params.toString()}` : pathAndQuery;
}

export function maskBody(raw: string): string {
  if (![...SECRET_FIELDS].some((f) => raw.includes(f))) return raw;
  try {
    const value = JSON.parse(raw) as unknown;
    if (!value || typeof value !== 'object' || Array.isArray(value)) return raw;
    const obj = value as Record<string, unknown>;
    for (const name of SECRET_FIELDS) if (name in obj) obj[name] = MASK;
    return JSON.stringify(obj);
  } catch {
    return MASK; // not JSON, yet it names a secret field: keep none of it
  }
}

export class RequestJournal {
  private entries: JournalEntry[] = [];
  private bodyBytes = 0;
  private dropped = 0;

  constructor(
    private readonly maxEntries = 2000,
    private readonly maxBodyBytes = 8 * 1024 * 1024,
  ) {}

  /** Keeps `entry` (masked) and returns the kept record, for its `answeredMs` to be set later. */
  record(entry: JournalEntry): JournalEntry {
    const safe = { ...entry, path: maskQuery(entry.path), body: entry.body && maskBody(entry.body) };
    this.entries.push(safe);
    this.bodyBytes += safe.body?.length ?? 0;
    let drop = 0;
    while (
      this.entries.length - drop > this.maxEntries ||
      (this.bodyBytes > this.maxBodyBytes && this.entries.length - drop > 1)
    ) {
      this.bodyBytes -= this.entries[drop]?.body?.length ?? 0;
      drop++;
    }
    if (drop > 0) {
      this.entries = this.entries.slice(drop);
      this.dropped += drop;
    }
    return safe;
  }

  snapshot(): { requests: JournalEntry[]; dropped: number } {
    return { requests: [...this.entries], dropped: this.dropped };
  }

  reset(): void {
    this.entries = [];
    this.bodyBytes = 0;
    this.dropped = 0;
  }
}
