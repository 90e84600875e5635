/**
 * `npm run bench [-- --sizes 2000,20000 --duration 10 --connections 20 --latency 20 --requests 50
 * --queries hosts,fleet --no-build]` (or BENCH_SIZES, BENCH_DURATION, ... in the environment).
 * For each size: a standalone sandbox process with injected latency, then per query a fresh
 * bk-graph process: upstream calls of one request vs the derived minimum, sequential p50/p95 vs
 * the lower bound, autocannon throughput with every body checked, peak RSS. Writes
 * bench/results/latest.json and latest.md. Only 127.0.0.1 is ever contacted.
 *
 * `--baseline <dir> [--repeat n]` (BENCH_BASELINE, BENCH_REPEAT): A/B mode, this checkout's build
 * against the one in `<dir>` (lib/ab.ts); writes bench/results/ab.json and ab.md instead.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkBaseline, describeBuild, measureAb } from './lib/ab';
import {
  BENCH_DIR,
  ROOT,
  buildIfStale,
  control,
  deriveQuery,
  log,
  loadQueries,
  loadTest,
  measuredRequest,
  quantiles,
  round1,
  samplesInTurn,
  startSandboxProcess,
  sumValues,
  targetOf,
  warmUp,
  withBkGraph,
  type QuerySpec,
} from './lib/harness';
import { runOnce } from './lib/measure';
import { runSetup } from './lib/setups';
import { measureRefusals } from './lib/refusals';
import { peakRssMb } from './lib/processes';
import {
  abMarkdown,
  abMismatchLines,
  machine,
  markdown,
  type AbResults,
  type Results,
  type Run,
  type Skipped,
} from './lib/report';
import { readWorld, type World } from './lib/sandbox-world';

interface Options {
  sizes: number[];
  durationSeconds: number;
  connections: number;
  latencyMs: number;
  requests: number;
  queries: string[] | null;
  build: boolean;
  /** A/B mode: the other checkout, and how many rounds per query. */
  baseline: string | null;
  repeat: number;
}

function parseOptions(argv: string[]): Options {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    if (i >= 0) return argv[i + 1];
    return process.env[`BENCH_${name.toUpperCase()}`];
  };
  const int = (name: string, fallback: number) => {
    const raw = arg(name);
    const n = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got ${raw}`);
    return n;
  };
  const sizes = (arg('sizes') ?? '2000,20000').split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error('--sizes must list positive integers');
  const queries = arg('queries');
  const baseline = arg('baseline') || null;
  if (argv.includes('--baseline') && (baseline === null || baseline.startsWith('--')))
    throw new Error('--baseline needs the directory of another checkout');
  if (baseline === null && arg('repeat') !== undefined) throw new Error('--repeat needs --baseline');
  return {
    sizes,
    durationSeconds: int('duration', 10),
    connections: int('connections', 20),
    latencyMs: int('latency', 20),
    requests: int('requests', 50),
    queries: queries ? queries.split(',').map((q) => q.trim()) : null,
    build: !argv.includes('--no-build') && process.env.BENCH_NO_BUILD !== '1',
    baseline,
    repeat: int('repeat', 1),
  };
}

async function measureQuery(
  spec: QuerySpec,
  hosts: number,
  world: World,
  sandboxUrl: string,
  options: Options,
): Promise<Run> {
  const derived = deriveQuery(spec, world);
  const { minimumByApi } = derived;
  return withBkGraph(sandboxUrl, ROOT, async (graph) => {
    const target = targetOf(graph, spec, derived);
    await warmUp(target);
    const { callsByApi, calls } = await measuredRequest(sandboxUrl, target);
    // One floor sample, one bk-graph sample, in turn: both series see the same machine.
    const [floor, latency] = (
      await samplesInTurn(sandboxUrl, spec, calls, options.requests, [() => runOnce(target)])
    ).map(quantiles) as [{ p50: number; p95: number }, { p50: number; p95: number }];
    log(
      `  ${spec.name}: ${sumValues(callsByApi)} calls (minimum ${sumValues(minimumByApi)}), p50 ${latency.p50.toFixed(1)} ms, p95 ${latency.p95.toFixed(1)} ms (floor ${floor.p50.toFixed(1)} ms); autocannon ${options.connections}×${options.durationSeconds}s…`,
    );
    const load = await loadTest(target, options.connections, options.durationSeconds, spec.name);
    return {
      query: spec.name,
      hosts,
      upstreamCalls: sumValues(callsByApi),
      minimumCalls: sumValues(minimumByApi),
      p50Ms: round1(latency.p50),
      p95Ms: round1(latency.p95),
      lowerBoundMs: spec.roundTrips * options.latencyMs,
      floorMs: round1(floor.p50),
      rps: load.rps,
      peakRssMb: await peakRssMb(graph.child.pid),
      callsByApi,
      minimumByApi,
      badResponses: load.bad,
    };
  });
}

/** Per size a sandbox; per query `measure`, whose failure skips that query only. */
async function measureAll<R>(
  options: Options,
  queries: QuerySpec[],
  measure: (spec: QuerySpec, index: number, hosts: number, world: World, sandboxUrl: string) => Promise<R>,
): Promise<{ runs: R[]; skipped: Skipped[] }> {
  const runs: R[] = [];
  const skipped: Skipped[] = [];
  for (const hosts of options.sizes) {
    log(`size ${hosts} hosts: starting the sandbox`);
    const sandbox = await startSandboxProcess(hosts);
    try {
      const world = await readWorld(sandbox.url);
      log(
        `  ${world.businesses.length} businesses, ${[...world.hosts.values()].flat().length} hosts in businesses`,
      );
      await control(sandbox.url, '/faults', { latencyMs: options.latencyMs });
      for (const [index, spec] of queries.entries()) {
        let teardown = (): Promise<void> => Promise.resolve();
        try {
          // The query's own setup (a finished job to read, say), undone once it is measured.
          const setup = await runSetup(spec.setup, sandbox.url, world);
          teardown = setup.teardown;
          runs.push(await measure({ ...spec, setupValues: setup.values }, index, hosts, world, sandbox.url));
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          log(`  ${spec.name}: not measured: ${reason}`);
          skipped.push({ query: spec.name, hosts, reason } satisfies Skipped);
        } finally {
          await teardown();
        }
      }
    } finally {
      await sandbox.child.stop();
    }
  }
  return { runs, skipped };
}

function settingsOf(options: Options): Results['settings'] {
  return {
    latencyMs: options.latencyMs,
    connections: options.connections,
    durationSeconds: options.durationSeconds,
    sequentialRequests: options.requests,
  };
}

function write(
  json: string,
  md: string,
  results: { runs: unknown[]; skipped: unknown[] },
  text: string,
): void {
  const out = join(BENCH_DIR, 'results');
  writeFileSync(join(out, json), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(out, md), text);
  log(
    `wrote bench/results/${json} and ${md} (${results.runs.length} runs, ${results.skipped.length} skipped)`,
  );
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const queries = loadQueries(options.queries);
  if (queries.length === 0) throw new Error('no queries selected');
  const baseline = options.baseline === null ? null : checkBaseline(options.baseline);
  if (options.build) buildIfStale();

  if (baseline !== null) {
    const ab = { ...options, baseline };
    const results: AbResults = {
      machine: machine(),
      settings: { ...settingsOf(options), repeat: options.repeat },
      current: describeBuild(ROOT),
      baseline: describeBuild(baseline),
      ...(await measureAll(options, queries, (spec, index, hosts, world, url) =>
        measureAb(spec, index, hosts, world, url, ab),
      )),
    };
    const text = abMarkdown(results);
    write('ab.json', 'ab.md', results, text);
    process.stdout.write(`\n${text}`);
    const mismatches = abMismatchLines(results);
    if (mismatches.length > 0)
      process.stderr.write(`[bench] MISMATCH: the builds disagree:\n${mismatches.join('\n')}\n`);
    return;
  }

  const results: Results = {
    machine: machine(),
    settings: settingsOf(options),
    ...(await measureAll(options, queries, (spec, _index, hosts, world, url) =>
      measureQuery(spec, hosts, world, url, options),
    )),
    refusals: await measureRefusals(Math.min(...options.sizes), options.requests),
  };
  const text = markdown(results);
  write('latest.json', 'latest.md', results, text);
  process.stdout.write(`\n${text}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench] failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
