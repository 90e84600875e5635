/**
 * A/B mode (`--baseline <dir>`): this checkout's build and another checkout's, each query measured
 * against the same sandbox with the same env, their answers and upstream calls compared, and their
 * latency samples taken in turn with the floor's (floor, current, baseline, floor, …).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import {
  ROOT,
  deriveQuery,
  distIsStale,
  entryOf,
  log,
  loadTest,
  measuredRequest,
  quantiles,
  round1,
  samplesInTurn,
  sumValues,
  targetOf,
  warmUp,
  withBkGraph,
  type BkGraph,
  type DerivedQuery,
  type Load,
  type MeasuredRequest,
  type QuerySpec,
} from './harness';
import { runOnce, type GraphQLTarget } from './measure';
import { peakRssMb } from './processes';
import {
  describeMismatch,
  type AbBuild,
  type AbMismatch,
  type AbRound,
  type AbRun,
  type AbSide,
} from './report';
import type { World } from './sandbox-world';

export interface AbOptions {
  baseline: string;
  repeat: number;
  requests: number;
  connections: number;
  durationSeconds: number;
}

type Which = 'current' | 'baseline';

/**
 * The baseline checkout, resolved: it must have its own build and its own node_modules (its
 * dist/ resolves its dependencies from its own tree; borrowing this tree's through NODE_PATH is
 * not reliable, since packages found in the baseline's tree still win).
 */
export function checkBaseline(dir: string): string {
  const root = resolve(dir);
  if (!existsSync(root)) throw new Error(`--baseline ${root} does not exist`);
  if (!existsSync(entryOf(root)))
    throw new Error(
      `--baseline ${root} has no dist/src/main.js: build it first (cd ${root} && npm ci && npm run build)`,
    );
  if (!existsSync(join(root, 'node_modules')))
    throw new Error(
      `--baseline ${root} has no node_modules: its build needs its own dependencies (this tree's are not ` +
        `borrowed through NODE_PATH, which is not reliable): cd ${root} && npm ci`,
    );
  if (distIsStale(root))
    log(`baseline ${root}: dist is older than its sources (not rebuilt: that is yours to do)`);
  if (root === ROOT) log('baseline is this checkout itself: the deltas are the noise');
  return root;
}

export function describeBuild(dir: string): AbBuild {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', dir, ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    return { dir, commit: git('status', '--porcelain') === '' ? commit : `${commit} + uncommitted changes` };
  } catch {
    return { dir, commit: null };
  }
}

const short = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The path of the first difference between two JSON values (current, baseline), or null when deep-equal. */
export function firstDifference(a: unknown, b: unknown, path: string): string | null {
  if (isDeepStrictEqual(a, b)) return null;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return `${path}: length ${a.length} vs ${b.length}`;
  }
  if (isRecord(a) && isRecord(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(key in a) || !(key in b)) return `${path}.${key}: only in ${key in a ? 'current' : 'baseline'}`;
      const d = firstDifference(a[key], b[key], `${path}.${key}`);
      if (d !== null) return d;
    }
  }
  return `${path}: ${short(a)} vs ${short(b)}`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Over the rounds: medians, bad responses summed, calls of the first round. */
function medianSide(sides: AbSide[]): AbSide {
  const m = (f: (s: AbSide) => number) => round1(median(sides.map(f)));
  const rss = sides.map((s) => s.peakRssMb).filter((n): n is number => n !== null);
  const first = sides[0] as AbSide;
  return {
    upstreamCalls: first.upstreamCalls,
    callsByApi: first.callsByApi,
    p50Ms: m((s) => s.p50Ms),
    p95Ms: m((s) => s.p95Ms),
    ownCostMs: m((s) => s.ownCostMs),
    rps: m((s) => s.rps),
    badResponses: sides.reduce((n, s) => n + s.badResponses, 0),
    peakRssMb: rss.length === 0 ? null : Math.round(median(rss)),
  };
}

const share = (delta: number, of: number) => (of > 0 ? round1((delta / of) * 100) : null);

interface RoundContext {
  spec: QuerySpec;
  derived: DerivedQuery;
  sandboxUrl: string;
  round: number;
  label: string;
  firstUnderLoad: Which;
  options: AbOptions;
}

async function measureRound(
  ctx: RoundContext,
  graphs: Record<Which, BkGraph>,
): Promise<{ result: AbRound; mismatch: AbMismatch | null }> {
  const { spec, sandboxUrl, label, options } = ctx;
  const targets: Record<Which, GraphQLTarget> = {
    current: targetOf(graphs.current, spec, ctx.derived),
    baseline: targetOf(graphs.baseline, spec, ctx.derived),
  };
  // A failure names the build it came from (the query is then skipped, as in the normal mode).
  const by = <T>(which: Which, work: (target: GraphQLTarget) => Promise<T>) =>
    work(targets[which]).catch((error: unknown) => {
      throw new Error(`${which} build: ${error instanceof Error ? error.message : String(error)}`);
    });
  const answers = { current: await by('current', warmUp), baseline: await by('baseline', warmUp) };
  const measured: Record<Which, MeasuredRequest> = {
    current: await by('current', (t) => measuredRequest(sandboxUrl, t)),
    baseline: await by('baseline', (t) => measuredRequest(sandboxUrl, t)),
  };
  const data = firstDifference(answers.current, answers.baseline, 'data');
  const callsDiffer = !isDeepStrictEqual(measured.current.callsByApi, measured.baseline.callsByApi);
  const mismatch: AbMismatch | null =
    data === null && !callsDiffer
      ? null
      : {
          round: ctx.round,
          data,
          callsByApi: callsDiffer
            ? { current: measured.current.callsByApi, baseline: measured.baseline.callsByApi }
            : null,
        };
  if (mismatch)
    log(
      `  ${label}: MISMATCH: ${describeMismatch(mismatch)} (measuring on; the floor replays current's calls)`,
    );

  // The floor replays the current build's calls; with a calls mismatch it is the current's floor.
  const [floorSamples, ...graphSamples] = await samplesInTurn(
    sandboxUrl,
    spec,
    measured.current.calls,
    options.requests,
    [() => by('current', runOnce), () => by('baseline', runOnce)],
  );
  const floor = quantiles(floorSamples ?? []).p50;
  const latency = {
    current: quantiles(graphSamples[0] ?? []),
    baseline: quantiles(graphSamples[1] ?? []),
  };
  const delta = latency.current.p50 - latency.baseline.p50;
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  log(
    `  ${label}: p50/p95 current ${ms(latency.current.p50)}/${ms(latency.current.p95)}, baseline ${ms(
      latency.baseline.p50,
    )}/${ms(latency.baseline.p95)}, floor ${ms(floor)}; own cost current ${ms(
      latency.current.p50 - floor,
    )}, baseline ${ms(latency.baseline.p50 - floor)} (Δ ${delta >= 0 ? '+' : ''}${delta.toFixed(1)} ms); autocannon ${
      options.connections
    }×${options.durationSeconds}s each, ${ctx.firstUnderLoad} first…`,
  );

  const order: Which[] = ctx.firstUnderLoad === 'current' ? ['current', 'baseline'] : ['baseline', 'current'];
  const loads: Partial<Record<Which, Load>> = {};
  for (const which of order)
    loads[which] = await loadTest(
      targets[which],
      options.connections,
      options.durationSeconds,
      `${label} ${which}`,
    );

  const side = async (which: Which): Promise<AbSide> => {
    const load = loads[which] as Load;
    return {
      upstreamCalls: sumValues(measured[which].callsByApi),
      callsByApi: measured[which].callsByApi,
      p50Ms: round1(latency[which].p50),
      p95Ms: round1(latency[which].p95),
      ownCostMs: round1(latency[which].p50 - floor),
      rps: load.rps,
      badResponses: load.bad,
      peakRssMb: await peakRssMb(graphs[which].child.pid),
    };
  };
  return {
    result: {
      floorMs: round1(floor),
      current: await side('current'),
      baseline: await side('baseline'),
      deltaOwnCostMs: round1(delta),
      firstUnderLoad: ctx.firstUnderLoad,
    },
    mismatch,
  };
}

/**
 * `options.repeat` rounds, each with a fresh process of both builds; under load, the current
 * build goes first on even query indexes and the baseline on odd ones, swapped every round.
 */
export async function measureAb(
  spec: QuerySpec,
  queryIndex: number,
  hosts: number,
  world: World,
  sandboxUrl: string,
  options: AbOptions,
): Promise<AbRun> {
  const derived = deriveQuery(spec, world);
  const rounds: AbRound[] = [];
  const mismatches: AbMismatch[] = [];
  for (let round = 0; round < options.repeat; round++) {
    const ctx: RoundContext = {
      spec,
      derived,
      sandboxUrl,
      round,
      label: options.repeat === 1 ? spec.name : `${spec.name} round ${round + 1}/${options.repeat}`,
      firstUnderLoad: (queryIndex + round) % 2 === 0 ? 'current' : 'baseline',
      options,
    };
    const { result, mismatch } = await withBkGraph(sandboxUrl, ROOT, (current) =>
      withBkGraph(sandboxUrl, options.baseline, (baseline) => measureRound(ctx, { current, baseline })),
    );
    rounds.push(result);
    if (mismatch) mismatches.push(mismatch);
  }

  const current = medianSide(rounds.map((r) => r.current));
  const baseline = medianSide(rounds.map((r) => r.baseline));
  const deltas = rounds.map((r) => r.deltaOwnCostMs);
  const deltaOwnCostMs = round1(median(deltas));
  return {
    query: spec.name,
    hosts,
    rounds: rounds.length,
    floorMs: round1(median(rounds.map((r) => r.floorMs))),
    current,
    baseline,
    deltaOwnCostMs,
    deltaOwnCostPct: share(deltaOwnCostMs, baseline.ownCostMs),
    deltaOwnCostRangeMs: [Math.min(...deltas), Math.max(...deltas)],
    deltaRpsPct: share(current.rps - baseline.rps, baseline.rps),
    mismatch: mismatches.length > 0 ? mismatches : null,
    perRound: rounds,
  };
}
