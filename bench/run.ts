/**
 * `npm run bench [-- --sizes 2000,20000 --duration 10 --connections 20 --latency 20 --requests 50
 * --queries hosts,fleet --no-build]` (or BENCH_SIZES, BENCH_DURATION, ... in the environment).
 * For each size: a standalone sandbox process with injected latency, then per query a fresh
 * bk-graph process: upstream calls of one request vs the derived minimum, sequential p50/p95 vs
 * the lower bound, autocannon throughput with every body checked, peak RSS. Writes
 * bench/results/latest.json and latest.md. Only 127.0.0.1 is ever contacted.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { floorReplay, type RecordedCall } from './lib/floor';
import type { GraphQLTarget } from './lib/measure';
import { BENCH_TOKEN, percentile, runOnce, throughput } from './lib/measure';
import { freePort, peakRssMb, startChild, waitUntilUp, type Child } from './lib/processes';
import { machine, markdown, type Results, type Run, type Skipped } from './lib/report';
import { derivationScope, evaluate, readWorld, type World } from './lib/sandbox-world';

const ROOT = resolve(__dirname, '..');
/** Calls that are not part of answering a query: the background CMDB watcher's long polls. */
const BACKGROUND_APIS = new Set(['cmdb.resource_watch']);
/** The sandbox's app, as bk-graph and the floor replay present it. */
const APP_CODE = 'bk-graph';
const APP_SECRET = 'sandbox-secret';

interface Options {
  sizes: number[];
  durationSeconds: number;
  connections: number;
  latencyMs: number;
  requests: number;
  queries: string[] | null;
  build: boolean;
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
  return {
    sizes,
    durationSeconds: int('duration', 10),
    connections: int('connections', 20),
    latencyMs: int('latency', 20),
    requests: int('requests', 50),
    queries: queries ? queries.split(',').map((q) => q.trim()) : null,
    build: !argv.includes('--no-build') && process.env.BENCH_NO_BUILD !== '1',
  };
}

interface QuerySpec {
  name: string;
  text: string;
  variables: Record<string, string>;
  minimumCalls: Record<string, string>;
  roundTrips: number;
  /** Per critical-path round trip, the APIs whose calls go out together (for the floor replay). */
  waves: string[][];
}

function loadQueries(only: string[] | null): QuerySpec[] {
  const dir = join(__dirname, 'queries');
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .map((f) => f.replace(/\.graphql$/, ''))
    .filter((n) => only === null || only.includes(n));
  const order = ['businesses', 'hosts', 'fleet', 'topology', 'host'];
  names.sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99) || a.localeCompare(b));
  return names.map((name) => {
    const spec = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Omit<
      QuerySpec,
      'name' | 'text'
    >;
    if (!Array.isArray(spec.waves) || spec.waves.length !== spec.roundTrips)
      throw new Error(`queries/${name}.json: waves must list one group of APIs per round trip`);
    return { name, text: readFileSync(join(dir, `${name}.graphql`), 'utf8'), ...spec };
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function buildIfStale(): void {
  const entry = join(ROOT, 'dist/src/main.js');
  const sources = Math.max(...['src', 'schema', 'resolvers'].map((d) => newestMtime(join(ROOT, d))));
  if (existsSync(entry) && statSync(entry).mtimeMs >= sources) return;
  log('building (dist is older than the sources)');
  try {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  } catch {
    // tsc still emits when it reports type errors; a missing entry point is the real failure.
    if (!existsSync(entry)) throw new Error('npm run build produced no dist/src/main.js');
    log('build reported errors; continuing with what it emitted');
  }
}

function log(line: string): void {
  process.stdout.write(`[bench] ${line}\n`);
}

const CONTROL_READS = new Set(['/stats', '/requests']);

async function control(sandboxUrl: string, path: string, body?: unknown): Promise<unknown> {
  const read = CONTROL_READS.has(path);
  const res = await fetch(`${sandboxUrl}/_sandbox${path}`, {
    method: read ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(read ? {} : { body: JSON.stringify(body ?? {}) }),
  });
  if (!res.ok) throw new Error(`sandbox ${path} answered ${res.status}`);
  return res.json();
}

async function upstreamCalls(sandboxUrl: string): Promise<Record<string, number>> {
  const stats = (await control(sandboxUrl, '/stats')) as { calls: Record<string, number> };
  return Object.fromEntries(
    Object.entries(stats.calls).filter(([api, n]) => !BACKGROUND_APIS.has(api) && n > 0),
  );
}

async function startSandboxProcess(hosts: number): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const child = startChild('sandbox', process.execPath, [join(ROOT, 'dist/src/sandbox/main.js')], {
    SANDBOX_PORT: String(port),
    SANDBOX_HOSTS: String(hosts),
    SANDBOX_SEED: '42',
    HOST: '127.0.0.1',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(`${url}/_sandbox/stats`, child);
  return { child, url };
}

async function startBkGraph(sandboxUrl: string): Promise<{ child: Child; url: string; dataDir: string }> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'bk-graph-bench-'));
  const child = startChild('bk-graph', process.execPath, [join(ROOT, 'dist/src/main.js')], {
    PORT: String(port),
    HOST: '127.0.0.1',
    BK_API_URL_TMPL: `${sandboxUrl}/api/{api_name}/`,
    BK_COMPONENT_API_URL: sandboxUrl,
    BK_APP_CODE: APP_CODE,
    BK_APP_SECRET: APP_SECRET,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(`${url}/healthz`, child);
  return { child, url, dataDir };
}

function quantiles(samples: number[]): { p50: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

function sumValues(calls: Record<string, number>): number {
  return Object.values(calls).reduce((a, b) => a + b, 0);
}

async function measureQuery(
  spec: QuerySpec,
  hosts: number,
  world: World,
  sandboxUrl: string,
  options: Options,
): Promise<Run> {
  const scope = derivationScope(world);
  const variables: Record<string, unknown> = {};
  for (const [name, expr] of Object.entries(spec.variables)) variables[name] = evaluate(expr, scope);
  const withVars = { ...scope, ...variables };
  const minimumByApi: Record<string, number> = {};
  for (const [api, expr] of Object.entries(spec.minimumCalls)) {
    const n = evaluate(expr, withVars);
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
      throw new Error(`${spec.name}: ${api} = ${expr} is not a count`);
    if (n > 0) minimumByApi[api] = n;
  }

  log(
    `  ${spec.name}: minimum ${sumValues(minimumByApi)} calls derived from the sandbox: ${Object.entries(
      minimumByApi,
    )
      .map(([api, n]) => `${api} ${n}`)
      .join(', ')}`,
  );
  const graph = await startBkGraph(sandboxUrl);
  try {
    const target: GraphQLTarget = { url: `${graph.url}/graphql`, query: spec.text, variables };
    // Warm-up: V8 optimises hot code only after it ran a while, and pools, the verified token and
    // JIT state should all be in their steady state before anything is measured. The first request
    // also proves the query resolves. 30 requests is well past where p50 stops moving here.
    for (let i = 0; i < 30; i++) await runOnce(target);

    await control(sandboxUrl, '/reset');
    await runOnce(target);
    const callsByApi = await upstreamCalls(sandboxUrl);
    const journal = (await control(sandboxUrl, '/requests')) as { requests: RecordedCall[] };
    const replay = floorReplay(
      sandboxUrl,
      journal.requests.filter((c) => !BACKGROUND_APIS.has(c.api)),
      spec.waves,
      { appCode: APP_CODE, appSecret: APP_SECRET, bkToken: BENCH_TOKEN },
    );
    let floor: { p50: number; p95: number };
    let latency: { p50: number; p95: number };
    try {
      // Warm-up of the replay as for bk-graph: connections open, V8 past its first tiers.
      for (let i = 0; i < 20; i++) await replay.once();
      // One floor sample, one bk-graph sample, in turn: both series see the same machine.
      const floorSamples: number[] = [];
      const graphSamples: number[] = [];
      for (let i = 0; i < options.requests; i++) {
        floorSamples.push(await replay.once());
        graphSamples.push(await runOnce(target));
      }
      floor = quantiles(floorSamples);
      latency = quantiles(graphSamples);
    } finally {
      await replay.close();
    }
    log(
      `  ${spec.name}: ${sumValues(callsByApi)} calls (minimum ${sumValues(minimumByApi)}), p50 ${latency.p50.toFixed(1)} ms, p95 ${latency.p95.toFixed(1)} ms (floor ${floor.p50.toFixed(1)} ms); autocannon ${options.connections}×${options.durationSeconds}s…`,
    );
    const load = await throughput(target, options.connections, options.durationSeconds);
    const bad = load.bad + load.non2xx + load.errors + load.timeouts;
    log(`  ${spec.name}: ${load.rps} rps over ${load.requests} requests${bad ? `, ${bad} BAD` : ''}`);
    return {
      query: spec.name,
      hosts,
      upstreamCalls: sumValues(callsByApi),
      minimumCalls: sumValues(minimumByApi),
      p50Ms: Math.round(latency.p50 * 10) / 10,
      p95Ms: Math.round(latency.p95 * 10) / 10,
      lowerBoundMs: spec.roundTrips * options.latencyMs,
      floorMs: Math.round(floor.p50 * 10) / 10,
      rps: load.rps,
      peakRssMb: await peakRssMb(graph.child.pid),
      callsByApi,
      minimumByApi,
      badResponses: bad,
    };
  } finally {
    await graph.child.stop();
    rmSync(graph.dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const queries = loadQueries(options.queries);
  if (queries.length === 0) throw new Error('no queries selected');
  if (options.build) buildIfStale();

  const results: Results = {
    machine: machine(),
    settings: {
      latencyMs: options.latencyMs,
      connections: options.connections,
      durationSeconds: options.durationSeconds,
      sequentialRequests: options.requests,
    },
    runs: [],
    skipped: [],
  };
  for (const hosts of options.sizes) {
    log(`size ${hosts} hosts: starting the sandbox`);
    const sandbox = await startSandboxProcess(hosts);
    try {
      const world = await readWorld(sandbox.url);
      log(
        `  ${world.businesses.length} businesses, ${[...world.hosts.values()].flat().length} hosts in businesses`,
      );
      await control(sandbox.url, '/faults', { latencyMs: options.latencyMs });
      for (const spec of queries) {
        try {
          results.runs.push(await measureQuery(spec, hosts, world, sandbox.url, options));
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          log(`  ${spec.name}: not measured: ${reason}`);
          results.skipped.push({ query: spec.name, hosts, reason } satisfies Skipped);
        }
      }
    } finally {
      await sandbox.child.stop();
    }
  }

  const out = join(__dirname, 'results');
  writeFileSync(join(out, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(out, 'latest.md'), markdown(results));
  log(
    `wrote bench/results/latest.json and latest.md (${results.runs.length} runs, ${results.skipped.length} skipped)`,
  );
  process.stdout.write(`\n${markdown(results)}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench] failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
