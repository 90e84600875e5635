import type { Faults } from './types';

/**
 * Fault injection for `POST /_sandbox/faults`. The six documented knobs (ARCHITECTURE.md) are rates;
 * the extras below make tests deterministic without relying on chance:
 * - `apis`: ["<system>.<api>", ...] the faults apply to (default: every API);
 * - `failNext`: the next n matching calls answer `errorStatus` (default 502);
 * - `errorStatus`: the 5xx used by `errorRate` and `failNext` (500, 502, 503 or 504);
 * - `resetRate` / `resetNext`: destroy the socket without answering (a connection reset);
 * - `hangNext`: the next n matching calls hang like `timeoutRate`;
 * - `malformedNext`: the next n matching calls get truncated JSON like `malformedRate`;
 * - `retryAfterSeconds`: the `Retry-After` value on 429 answers (default: seconds until the
 *   rate-limit window resets);
 * - `rateLimitStrategy`: which APIGW strategy `rateLimitPerSec` stands for: `resource` (1642903,
 *   default) or `stage` (1642902);
 * - `noPermissionNext`: the next n matching calls are refused as if the app had not been granted
 *   the resource (APIGW 403 1640301, ESB 1306403): the sandbox trusts a single app, so this is
 *   the only way to see that answer.
 * Faults never apply to `/_sandbox/*`. `{}` clears everything.
 */
export interface FaultSettings extends Faults {
  apis: string[] | null;
  failNext: number;
  errorStatus: number;
  resetRate: number;
  resetNext: number;
  hangNext: number;
  malformedNext: number;
  retryAfterSeconds: number | null;
  rateLimitStrategy: 'resource' | 'stage';
  noPermissionNext: number;
}

export const FAULTS_HELP: Record<string, string> = {
  latencyMs: 'least time from arrival to answer, the work included (ms): a backend with that response time',
  jitterMs: 'extra random delay, 0..jitterMs (ms)',
  errorRate: 'fraction of calls answered with errorStatus (APIGW 502 1650200 body; ESB nginx HTML)',
  timeoutRate: 'fraction of calls that hang until the client gives up or 60 s pass (then APIGW 504 1650401)',
  malformedRate: 'fraction of calls answered HTTP 200 application/json with truncated JSON',
  rateLimitPerSec: 'requests per second per app; beyond → APIGW 429 1642903, ESB 1306429 (0 = off)',
  apis: 'array of "<system>.<api>" the faults apply to (default all)',
  failNext: 'the next n matching calls answer errorStatus',
  errorStatus: '5xx status for errorRate/failNext (500, 502, 503, 504; default 502)',
  resetRate: 'fraction of calls whose socket is destroyed without an answer',
  resetNext: 'the next n matching calls get a connection reset',
  hangNext: 'the next n matching calls hang',
  malformedNext: 'the next n matching calls get truncated JSON',
  retryAfterSeconds: 'Retry-After value on 429 (default: seconds until the window resets)',
  rateLimitStrategy: '"resource" (429 1642903, default) or "stage" (429 1642902)',
  noPermissionNext: 'the next n matching calls answer APIGW 403 1640301 APP_NO_PERMISSION (ESB 1306403)',
};

export function noFaults(): FaultSettings {
  return {
    latencyMs: 0,
    jitterMs: 0,
    errorRate: 0,
    timeoutRate: 0,
    malformedRate: 0,
    rateLimitPerSec: 0,
    apis: null,
    failNext: 0,
    errorStatus: 502,
    resetRate: 0,
    resetNext: 0,
    hangNext: 0,
    malformedNext: 0,
    retryAfterSeconds: null,
    rateLimitStrategy: 'resource',
    noPermissionNext: 0,
  };
}

const RATES = ['errorRate', 'timeoutRate', 'malformedRate', 'resetRate'] as const;
const COUNTS = [
  'latencyMs',
  'jitterMs',
  'rateLimitPerSec',
  'failNext',
  'resetNext',
  'hangNext',
  'malformedNext',
  'noPermissionNext',
] as const;

/** Validates a faults body; returns the settings or every problem found. */
export function parseFaults(
  input: Record<string, unknown>,
): { ok: true; value: FaultSettings } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const unknown = Object.keys(input).filter((k) => !(k in FAULTS_HELP));
  if (unknown.length > 0)
    problems.push(
      `unknown fault keys: ${unknown.join(', ')} (known: ${Object.keys(FAULTS_HELP).join(', ')})`,
    );
  const value = noFaults();
  for (const k of RATES) {
    const v = input[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1))
      problems.push(`${k} must be a number between 0 and 1, got ${JSON.stringify(v)}`);
    else value[k] = v;
  }
  for (const k of COUNTS) {
    const v = input[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      problems.push(`${k} must be a non-negative integer, got ${JSON.stringify(v)}`);
    else value[k] = v;
  }
  if (input.errorStatus !== undefined) {
    const v = input.errorStatus;
    if (v !== 500 && v !== 502 && v !== 503 && v !== 504)
      problems.push(`errorStatus must be 500, 502, 503 or 504, got ${JSON.stringify(v)}`);
    else value.errorStatus = v;
  }
  if (input.retryAfterSeconds !== undefined) {
    const v = input.retryAfterSeconds;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
      problems.push(`retryAfterSeconds must be a non-negative integer, got ${JSON.stringify(v)}`);
    else value.retryAfterSeconds = v;
  }
  if (input.rateLimitStrategy !== undefined) {
    const v = input.rateLimitStrategy;
    if (v !== 'resource' && v !== 'stage')
      problems.push(`rateLimitStrategy must be "resource" or "stage", got ${JSON.stringify(v)}`);
    else value.rateLimitStrategy = v;
  }
  if (input.apis !== undefined) {
    const v = input.apis;
    if (!Array.isArray(v) || v.some((a) => typeof a !== 'string' || !/^[a-z_]+\..+$/.test(a))) {
      problems.push('apis must be an array of "<system>.<api>" strings');
    } else value.apis = v as string[];
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
}

export type FaultAction = 'none' | 'error' | 'hang' | 'reset' | 'malformed';

/** Decides, for one matching call, which fault (if any) hits it. Consumes the `*Next` counters. */
export function chooseFault(f: FaultSettings, rnd: () => number): FaultAction {
  if (f.resetNext > 0) {
    f.resetNext--;
    return 'reset';
  }
  if (f.hangNext > 0) {
    f.hangNext--;
    return 'hang';
  }
  if (f.failNext > 0) {
    f.failNext--;
    return 'error';
  }
  if (f.malformedNext > 0) {
    f.malformedNext--;
    return 'malformed';
  }
  if (f.resetRate > 0 && rnd() < f.resetRate) return 'reset';
  if (f.timeoutRate > 0 && rnd() < f.timeoutRate) return 'hang';
  if (f.errorRate > 0 && rnd() < f.errorRate) return 'error';
  if (f.malformedRate > 0 && rnd() < f.malformedRate) return 'malformed';
  return 'none';
}

export function appliesTo(f: FaultSettings, key: string): boolean {
  return f.apis === null || f.apis.includes(key);
}

/** Fixed one-second windows per app, as bk-rate-limit's `tokens / 1s` behaves for a burst. */
export class RateLimiter {
  private windowStart = 0;
  private counts = new Map<string, number>();

  /** Returns null when allowed, else the numbers for the 429 headers. */
  take(
    app: string,
    limit: number,
    now: number,
  ): { limit: number; remaining: number; resetSec: number } | null {
    const start = Math.floor(now / 1000) * 1000;
    if (start !== this.windowStart) {
      this.windowStart = start;
      this.counts.clear();
    }
    const used = (this.counts.get(app) ?? 0) + 1;
    this.counts.set(app, used);
    if (used <= limit) return null;
    return { limit, remaining: 0, resetSec: Math.max(1, Math.ceil((start + 1000 - now) / 1000)) };
  }

  clear(): void {
    this.counts.clear();
  }
}
