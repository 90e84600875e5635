import { cpus, totalmem } from 'node:os';
import { refusalsMarkdown, type Refusal } from './refusals';

export interface Run {
  query: string;
  hosts: number;
  upstreamCalls: number;
  minimumCalls: number;
  p50Ms: number;
  p95Ms: number;
  lowerBoundMs: number;
  /** p50 of the same upstream calls replayed by a minimal client (lib/floor.ts). */
  floorMs: number;
  rps: number;
  peakRssMb: number | null;
  /** Upstream calls of the measured request, per `<system>.<api>`. */
  callsByApi: Record<string, number>;
  minimumByApi: Record<string, number>;
  /** Responses autocannon saw without data or with errors (the run is invalid if > 0). */
  badResponses: number;
}

export interface Skipped {
  query: string;
  hosts: number;
  reason: string;
}

export interface Results {
  machine: { cpus: number; model: string; memGb: number; node: string };
  settings: { latencyMs: number; connections: number; durationSeconds: number; sequentialRequests: number };
  runs: Run[];
  skipped: Skipped[];
  /** Documents over a query limit, timed from request to refusal (lib/refusals.ts). */
  refusals?: Refusal[];
}

export function machine(): Results['machine'] {
  const all = cpus();
  return {
    cpus: all.length,
    model: all[0]?.model.trim() ?? 'unknown',
    memGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
  };
}

const fmt = (n: number | null) => (n === null || Number.isNaN(n) ? '-' : String(Math.round(n * 10) / 10));

function header(m: Results['machine'], s: Results['settings']): string[] {
  return [
    `Machine: ${m.cpus} × ${m.model}, ${m.memGb} GB, Node ${m.node}. Sandbox latency ${s.latencyMs} ms per upstream call;`,
    `${s.sequentialRequests} sequential requests for p50/p95; autocannon ${s.connections} connections × ${s.durationSeconds} s.`,
  ];
}

function withSkipped(lines: string[], skipped: Skipped[]): string {
  if (skipped.length > 0) {
    lines.push('', 'Not measured:', ...skipped.map((k) => `- ${k.query} at ${k.hosts} hosts: ${k.reason}`));
  }
  return `${lines.join('\n')}\n`;
}

const withBad = (rps: number, bad: number) => `${fmt(rps)}${bad > 0 ? ` (${bad} bad)` : ''}`;

export function markdown(results: Results): string {
  const lines = [
    ...header(results.machine, results.settings),
    '',
    '| query | hosts | upstream calls | minimum | p50 ms | p95 ms | lower bound ms | floor ms | rps | peak RSS MB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.runs.map(
      (r) =>
        `| ${r.query} | ${r.hosts} | ${r.upstreamCalls} | ${r.minimumCalls} | ${fmt(r.p50Ms)} | ${fmt(r.p95Ms)} | ${fmt(
          r.lowerBoundMs,
        )} | ${fmt(r.floorMs)} | ${withBad(r.rps, r.badResponses)} | ${fmt(r.peakRssMb)} |`,
    ),
    ...refusalsMarkdown(results.refusals ?? []),
  ];
  return withSkipped(lines, results.skipped);
}

/** One build's figures in an A/B run: of one round, or over all rounds (medians; bad responses summed). */
export interface AbSide {
  upstreamCalls: number;
  callsByApi: Record<string, number>;
  p50Ms: number;
  p95Ms: number;
  /** p50 − floor p50 (per round; over the rounds, the median of the per-round figures). */
  ownCostMs: number;
  rps: number;
  badResponses: number;
  peakRssMb: number | null;
}

/** Where the two builds disagree on one round's warm-up answer or measured request. */
export interface AbMismatch {
  round: number;
  /** First difference of the warm-up answers' `data`, or null when deep-equal. */
  data: string | null;
  /** Upstream calls by API of one request each, or null when the same. */
  callsByApi: { current: Record<string, number>; baseline: Record<string, number> } | null;
}

export interface AbRound {
  floorMs: number;
  current: AbSide;
  baseline: AbSide;
  /** current own cost − baseline own cost (= p50 current − p50 baseline: the same floor). */
  deltaOwnCostMs: number;
  firstUnderLoad: 'current' | 'baseline';
}

export interface AbRun {
  query: string;
  hosts: number;
  rounds: number;
  /** Median over the rounds of the floor's p50 (the current build's calls, replayed). */
  floorMs: number;
  current: AbSide;
  baseline: AbSide;
  /** Median over the rounds of the per-round deltas, and its share of the baseline's own cost. */
  deltaOwnCostMs: number;
  deltaOwnCostPct: number | null;
  /** min and max of the per-round deltas: the noise. */
  deltaOwnCostRangeMs: [number, number];
  /** (median rps current − median rps baseline) / median rps baseline. */
  deltaRpsPct: number | null;
  /** null when both builds agreed in every round. */
  mismatch: AbMismatch[] | null;
  perRound: AbRound[];
}

export interface AbBuild {
  dir: string;
  /** `git rev-parse --short HEAD`, "+ uncommitted changes" when the work tree differs; null outside git. */
  commit: string | null;
}

export interface AbResults {
  machine: Results['machine'];
  settings: Results['settings'] & { repeat: number };
  current: AbBuild;
  baseline: AbBuild;
  runs: AbRun[];
  skipped: Skipped[];
}

const signed = (n: number | null) => (n === null || Number.isNaN(n) || n <= 0 ? fmt(n) : `+${fmt(n)}`);
const pct = (n: number | null) => (n === null ? '-' : `${signed(n)}%`);

export function describeMismatch(m: AbMismatch): string {
  const calls = m.callsByApi;
  return [
    ...(m.data === null ? [] : [`data differs at ${m.data}`]),
    ...(calls === null
      ? []
      : [
          `upstream calls differ: current ${JSON.stringify(calls.current)}, baseline ${JSON.stringify(calls.baseline)}`,
        ]),
  ].join('; ');
}

export function abMismatchLines(results: AbResults): string[] {
  return results.runs.flatMap((r) =>
    (r.mismatch ?? []).map(
      (m) => `- ${r.query} at ${r.hosts} hosts, round ${m.round + 1}: ${describeMismatch(m)}`,
    ),
  );
}

export function abMarkdown(results: AbResults): string {
  const s = results.settings;
  const build = (b: AbBuild) => `\`${b.dir}\`${b.commit === null ? '' : ` (${b.commit})`}`;
  const lines = [
    ...header(results.machine, s),
    `A/B: current ${build(results.current)} vs baseline ${build(results.baseline)}; ${s.repeat} round${
      s.repeat === 1 ? '' : 's'
    } per query, each with fresh processes${s.repeat === 1 ? '' : ' (figures are medians of the rounds; Δ own cost shows the per-round min…max)'}.`,
    '',
    '| query | hosts | calls (current/baseline) | floor p50 ms | p50 current ms | p50 baseline ms | own cost current ms | own cost baseline ms | Δ own cost ms (%) | rps current | rps baseline | Δ rps % | RSS MB current/baseline |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.runs.map((r) => {
      const c = r.current;
      const b = r.baseline;
      const [lo, hi] = r.deltaOwnCostRangeMs;
      const range = r.rounds > 1 ? ` [${signed(lo)}…${signed(hi)}]` : '';
      return `| ${r.query}${r.mismatch ? ' **MISMATCH**' : ''} | ${r.hosts} | ${c.upstreamCalls}/${b.upstreamCalls} | ${fmt(
        r.floorMs,
      )} | ${fmt(c.p50Ms)} | ${fmt(b.p50Ms)} | ${fmt(c.ownCostMs)} | ${fmt(b.ownCostMs)} | ${signed(
        r.deltaOwnCostMs,
      )} (${pct(r.deltaOwnCostPct)})${range} | ${withBad(c.rps, c.badResponses)} | ${withBad(
        b.rps,
        b.badResponses,
      )} | ${pct(r.deltaRpsPct)} | ${fmt(c.peakRssMb)}/${fmt(b.peakRssMb)} |`;
    }),
  ];
  const mismatches = abMismatchLines(results);
  if (mismatches.length > 0) {
    lines.push(
      '',
      '**MISMATCH**: the builds disagree, so those rows do not compare like for like:',
      ...mismatches,
    );
  }
  return withSkipped(lines, results.skipped);
}
