/**
 * The pieces every benchmark mode shares: the query specs, the sandbox and bk-graph processes, the
 * sandbox's control API, one measured request's upstream calls, and the floor's samples taken in
 * turn with bk-graph's.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { floorReplay, type RecordedCall } from './floor';
import { BENCH_TOKEN, answerData, percentile, runOnce, throughput, type GraphQLTarget } from './measure';
import { freePort, startChild, waitUntilUp, type Child } from './processes';
import { derivationScope, evaluate, type World } from './sandbox-world';

export const BENCH_DIR = resolve(__dirname, '..');
/** This checkout: its dist/ is the build under test (and the sandbox every mode runs). */
export const ROOT = resolve(BENCH_DIR, '..');
/** Calls that are not part of answering a query: the background CMDB watcher's long polls. */
const BACKGROUND_APIS = new Set(['cmdb.resource_watch']);
/** The sandbox's app, as bk-graph and the floor replay present it. */
const APP_CODE = 'bk-graph';
const APP_SECRET = 'sandbox-secret';

export interface QuerySpec {
  name: string;
  text: string;
  variables: Record<string, string>;
  minimumCalls: Record<string, string>;
  roundTrips: number;
  /** Per critical-path round trip, the APIs whose calls go out together (for the floor replay). */
  waves: string[][];
  /** A setup of lib/setups.ts to run before the query is derived and measured. */
  setup?: string;
  /** What that setup answered, as `setup` in the query's expressions (filled in by the run). */
  setupValues?: Record<string, unknown>;
}

export function loadQueries(only: string[] | null): QuerySpec[] {
  const dir = join(BENCH_DIR, 'queries');
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .map((f) => f.replace(/\.graphql$/, ''))
    .filter((n) => only === null || only.includes(n));
  const order = ['businesses', 'hosts', 'fleet', 'topology', 'host', 'jobLogs'];
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

/** The entry point of a checkout's build. */
export function entryOf(root: string): string {
  return join(root, 'dist/src/main.js');
}

/** Whether a checkout's dist/src/main.js is missing or older than its sources. */
export function distIsStale(root: string): boolean {
  const entry = entryOf(root);
  const sources = Math.max(
    ...['src', 'schema', 'resolvers']
      .map((d) => join(root, d))
      .filter((d) => existsSync(d))
      .map(newestMtime),
  );
  return !existsSync(entry) || statSync(entry).mtimeMs < sources;
}

export function buildIfStale(): void {
  if (!distIsStale(ROOT)) return;
  const entry = entryOf(ROOT);
  log('building (dist is older than the sources)');
  try {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  } catch {
    // tsc still emits when it reports type errors; a missing entry point is the real failure.
    if (!existsSync(entry)) throw new Error('npm run build produced no dist/src/main.js');
    log('build reported errors; continuing with what it emitted');
  }
}

export function log(line: string): void {
  process.stdout.write(`[bench] ${line}\n`);
}

const CONTROL_READS = new Set(['/stats', '/requests']);

export async function control(sandboxUrl: string, path: string, body?: unknown): Promise<unknown> {
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

export async function startSandboxProcess(hosts: number): Promise<{ child: Child; url: string }> {
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

export interface BkGraph {
  child: Child;
  url: string;
}

/**
 * Runs `use` with a fresh bk-graph process of the checkout at `root` (memory cache, APIGW pointed
 * at the sandbox; the env is the same for every checkout but for the port and the data dir), then
 * stops it and removes its data dir.
 */
export async function withBkGraph<T>(
  sandboxUrl: string,
  root: string,
  use: (graph: BkGraph) => Promise<T>,
): Promise<T> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'bk-graph-bench-'));
  const child = startChild('bk-graph', process.execPath, [entryOf(root)], {
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
  try {
    await waitUntilUp(`${url}/healthz`, child);
    return await use({ child, url });
  } finally {
    await child.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function quantiles(samples: number[]): { p50: number; p95: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

export function sumValues(calls: Record<string, number>): number {
  return Object.values(calls).reduce((a, b) => a + b, 0);
}

export const round1 = (n: number) => Math.round(n * 10) / 10;

export interface DerivedQuery {
  variables: Record<string, unknown>;
  minimumByApi: Record<string, number>;
}

/** The query's variables and minimum calls, evaluated against the sandbox's data (and logged). */
export function deriveQuery(spec: QuerySpec, world: World): DerivedQuery {
  const scope = { ...derivationScope(world), setup: spec.setupValues ?? {} };
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
  return { variables, minimumByApi };
}

export function targetOf(graph: BkGraph, spec: QuerySpec, derived: DerivedQuery): GraphQLTarget {
  return { url: `${graph.url}/graphql`, query: spec.text, variables: derived.variables };
}

/** 30 warm-up requests; returns the first one's `data`. */
export async function warmUp(target: GraphQLTarget): Promise<unknown> {
  // Warm-up: V8 optimises hot code only after it ran a while, and pools, the verified token and
  // JIT state should all be in their steady state before anything is measured. The first request
  // also proves the query resolves. 30 requests is well past where p50 stops moving here.
  const data = await answerData(target);
  for (let i = 1; i < 30; i++) await runOnce(target);
  return data;
}

export interface MeasuredRequest {
  /** Upstream calls the sandbox counted, per `<system>.<api>`, background calls left out. */
  callsByApi: Record<string, number>;
  /** The same calls from the sandbox's journal, for the floor replay. */
  calls: RecordedCall[];
}

/** One request with the sandbox's counters reset just before it. */
export async function measuredRequest(sandboxUrl: string, target: GraphQLTarget): Promise<MeasuredRequest> {
  await control(sandboxUrl, '/reset');
  await runOnce(target);
  const callsByApi = await upstreamCalls(sandboxUrl);
  const journal = (await control(sandboxUrl, '/requests')) as { requests: RecordedCall[] };
  return { callsByApi, calls: journal.requests.filter((c) => !BACKGROUND_APIS.has(c.api)) };
}

/**
 * `requests` rounds of one floor sample (`calls` replayed wave by wave), then one sample of each of
 * `samplers` in turn, so every series sees the same machine. Returns the floor's samples first.
 */
export async function samplesInTurn(
  sandboxUrl: string,
  spec: QuerySpec,
  calls: RecordedCall[],
  requests: number,
  samplers: (() => Promise<number>)[],
): Promise<number[][]> {
  const replay = floorReplay(sandboxUrl, calls, spec.waves, {
    appCode: APP_CODE,
    appSecret: APP_SECRET,
    bkToken: BENCH_TOKEN,
  });
  try {
    // Warm-up of the replay as for bk-graph: connections open, V8 past its first tiers.
    for (let i = 0; i < 20; i++) await replay.once();
    const all = [replay.once, ...samplers];
    const series = all.map((): number[] => []);
    for (let i = 0; i < requests; i++) {
      for (const [k, sample] of all.entries()) series[k]?.push(await sample());
    }
    return series;
  } finally {
    await replay.close();
  }
}

export interface Load {
  rps: number;
  requests: number;
  /** Bodies without data or with errors, non-2xx, errors and timeouts together. */
  bad: number;
}

/** Autocannon against `target`, logged under `label`. */
export async function loadTest(
  target: GraphQLTarget,
  connections: number,
  durationSeconds: number,
  label: string,
): Promise<Load> {
  const load = await throughput(target, connections, durationSeconds);
  const bad = load.bad + load.non2xx + load.errors + load.timeouts;
  log(`  ${label}: ${load.rps} rps over ${load.requests} requests${bad ? `, ${bad} BAD` : ''}`);
  return { rps: load.rps, requests: load.requests, bad };
}
