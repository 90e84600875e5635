import { cpus, totalmem } from 'node:os';

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

export function markdown(results: Results): string {
  const m = results.machine;
  const s = results.settings;
  const lines = [
    `Machine: ${m.cpus} × ${m.model}, ${m.memGb} GB, Node ${m.node}. Sandbox latency ${s.latencyMs} ms per upstream call;`,
    `${s.sequentialRequests} sequential requests for p50/p95; autocannon ${s.connections} connections × ${s.durationSeconds} s.`,
    '',
    '| query | hosts | upstream calls | minimum | p50 ms | p95 ms | lower bound ms | floor ms | rps | peak RSS MB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.runs.map(
      (r) =>
        `| ${r.query} | ${r.hosts} | ${r.upstreamCalls} | ${r.minimumCalls} | ${fmt(r.p50Ms)} | ${fmt(r.p95Ms)} | ${fmt(
          r.lowerBoundMs,
        )} | ${fmt(r.floorMs)} | ${fmt(r.rps)}${r.badResponses > 0 ? ` (${r.badResponses} bad)` : ''} | ${fmt(r.peakRssMb)} |`,
    ),
  ];
  if (results.skipped.length > 0) {
    lines.push(
      '',
      'Not measured:',
      ...results.skipped.map((k) => `- ${k.query} at ${k.hosts} hosts: ${k.reason}`),
    );
  }
  return `${lines.join('\n')}\n`;
}
