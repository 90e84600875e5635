import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PREPARE, PREPARE_ESB } from './requests';
import type { Draft } from './requests';
import { compareShape } from './shape';
import type { ShapeRules } from './shape';
import { CallbackReceiver, ReplaySetupError, ReplayWorld } from './world';
import type { ReplayAnswer, ReplayCredentials, ReplayHttp } from './world';

/**
 * Replays every BlueKing doc fixture (`../shared/bk-api/fixtures/*.json`, CONTRACTS.md §11)
 * against a running sandbox over HTTP and checks that each answer has the fixture's shape: same
 * keys at every object level, same JSON types, same envelope, same HTTP status. Shared by
 * `test/sandbox/fixtures.replay.test.ts` and `src/sandbox/replay/main.ts`. The fixture is the
 * truth; the only tolerated differences are the ones listed in `rulesFor`, each backed by the
 * fixture's own notes or by CONTRACTS.md.
 */

export type { ReplayAnswer, ReplayCall, ReplayHttp } from './world';

export interface FixtureRequest {
  path_params?: Record<string, unknown>;
  query?: Record<string, unknown>;
  headers?: Record<string, string>;
  body?: unknown;
  raw?: string;
  trigger?: string;
}

export interface Fixture {
  api: string;
  method: string;
  path: string;
  esb_path?: string;
  request: FixtureRequest;
  response: unknown;
  variant?: string;
  notes?: string;
}

export interface LoadedFixture {
  file: string;
  fixture: Fixture;
}

export interface ReplayResult {
  file: string;
  /** What was sent, e.g. `POST /api/bk-cmdb/prod/api/v3/biz/search/0`. */
  call: string;
  ok: boolean;
  problems: string[];
  /** Every fixture value replaced by a sandbox one, and every precondition made. */
  substitutions: string[];
}

export interface ReplayOptions extends ReplayCredentials {
  http: ReplayHttp;
  /** Where the sandbox can reach the local callback receiver. @default 127.0.0.1 */
  callbackHost?: string;
  /** How long to wait for a JOB execution to finish. @default 60000 */
  jobWaitMs?: number;
}

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const DEFAULT_FIXTURES_DIR = resolve(REPO_ROOT, '../shared/bk-api/fixtures');
/**
 * The project's own fixtures, same format: doc examples CONTRACTS.md quotes but ships no file
 * for (e.g. `job.get_script_list.json`, §4.8). Kept apart so the shared set stays the index's.
 */
export const REPO_FIXTURES_DIR = resolve(REPO_ROOT, 'test/fixtures');

export function loadFixtures(dir: string = DEFAULT_FIXTURES_DIR): LoadedFixture[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, fixture: JSON.parse(readFileSync(join(dir, file), 'utf8')) as Fixture }));
}

/** A ReplayHttp over global fetch, for a sandbox at `baseUrl`. */
export function fetchHttp(baseUrl: string): ReplayHttp {
  const root = baseUrl.replace(/\/+$/, '');
  return async (call) => {
    const qs = new URLSearchParams(call.query ?? {}).toString();
    const headers: Record<string, string> = { ...(call.headers ?? {}) };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${root}${call.path}${qs ? `?${qs}` : ''}`, {
      method: call.method,
      headers,
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
}

type Json = Record<string, unknown>;

function isObj(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

const ENVELOPE_KEYS = ['result', 'code', 'message', 'data', 'permission', 'request_id', 'job_request_id'];

/** "cmdb.search_business (ESB v2)" → "cmdb.search_business". */
function apiKey(f: Fixture): string {
  return f.api.split(/\s/)[0] ?? f.api;
}

function isEsb(f: Fixture): boolean {
  return f.path.startsWith('/api/c/compapi/');
}

/** Fixtures whose `response` is `{http_status, body[, headers]}` rather than the body itself. */
function expectation(f: Fixture): { status: number; body: unknown; headers: Record<string, string> } {
  const r = f.response;
  if (isObj(r) && typeof r.http_status === 'number' && 'body' in r) {
    return {
      status: r.http_status,
      body: r.body,
      headers: isObj(r.headers) ? (r.headers as Record<string, string>) : {},
    };
  }
  return { status: 200, body: r, headers: {} };
}

/**
 * Tolerances, each with the note text that justifies it. A rule whose note is no longer in the
 * fixture turns into a problem, so the list cannot silently outlive the fixtures.
 */
const NOTED: Readonly<
  Record<string, ReadonlyArray<{ quote: string; rule: Partial<Record<keyof ShapeRules, unknown[]>> }>>
> = {
  'itsm.get_ticket_status.json': [
    {
      quote: 'Real serializer also returns iframe_ticket_url (not in doc)',
      rule: { extraKeys: [{ pattern: '$.data', key: 'iframe_ticket_url' }] },
    },
  ],
  'cmdb.search_biz_inst_topo.json': [
    {
      quote: 'Example omits bk_obj_icon although the field table lists it',
      rule: {
        extraKeys: ['$.data[]', '$.data[].child[]', '$.data[].child[].child[]'].map((pattern) => ({
          pattern,
          key: 'bk_obj_icon',
        })),
      },
    },
    {
      quote: "module nodes in the example have no 'default'",
      rule: { extraKeys: [{ pattern: '$.data[].child[].child[]', key: 'default' }] },
    },
  ],
  // Repo-local (test/fixtures): the example CONTRACTS.md §4.8 quotes has the ESB envelope.
  'job.get_script_list.json': [
    {
      quote: 'a success has no message, and every answer carries job_request_id',
      rule: {
        extraKeys: [{ pattern: '$', key: 'job_request_id' }],
        optionalKeys: [{ pattern: '$', key: 'message' }],
      },
    },
  ],
  'job.get_job_instance_ip_log.file.json': [
    {
      quote: 'first src_ip uses key host_id, second uses bk_host_id',
      rule: { aliases: [{ pattern: '$.data.file_logs[].src_ip', key: 'host_id', as: 'bk_host_id' }] },
    },
  ],
};

/**
 * Arrays the sandbox leaves empty where the doc shows elements, for a reason of the sandbox's
 * data rather than of the contract. The brief's rule only compares non-empty arrays; the replay
 * is stricter and names each exception.
 */
const EMPTY_OK: Readonly<Record<string, { reason: string; patterns: string[] }>> = {
  'job.get_job_plan_detail.json': {
    reason:
      'sandbox plans target explicit hosts: no dynamic groups or topology nodes, and a file destination given by variable has no ip_list',
    patterns: [
      '$.data.global_var_list[].server.dynamic_group_list',
      '$.data.global_var_list[].server.topo_node_list',
      '$.data.step_list[].file_info.file_destination.server.dynamic_group_list',
      '$.data.step_list[].file_info.file_destination.server.ip_list',
      '$.data.step_list[].file_info.file_destination.server.topo_node_list',
    ],
  },
};

/**
 * Envelope keys that variants of one API disagree on (e.g. one JOB log example shows
 * `message: ""`, the other none): no answer can match both, so either is accepted.
 */
function variantOptionalKeys(all: readonly LoadedFixture[]): Map<string, Set<string>> {
  const byApi = new Map<string, Fixture[]>();
  for (const { fixture } of all) {
    const k = `${apiKey(fixture)} ${isEsb(fixture) ? 'esb' : 'apigw'}`;
    byApi.set(k, [...(byApi.get(k) ?? []), fixture]);
  }
  const out = new Map<string, Set<string>>();
  for (const [k, fixtures] of byApi) {
    if (fixtures.length < 2) continue;
    const bodies = fixtures.map((f) => expectation(f).body).filter(isObj);
    const optional = new Set(
      ENVELOPE_KEYS.filter((key) => bodies.some((b) => key in b) && bodies.some((b) => !(key in b))),
    );
    if (optional.size > 0) out.set(k, optional);
  }
  return out;
}

export function rulesFor(
  lf: LoadedFixture,
  variantOptional: Map<string, Set<string>>,
): { rules: ShapeRules; problems: string[]; tolerated: string[] } {
  const f = lf.fixture;
  const extraKeys: Array<{ pattern: string; key: string }> = [];
  const optionalKeys: Array<{ pattern: string; key: string }> = [];
  const aliases: Array<{ pattern: string; key: string; as: string }> = [];
  const problems: string[] = [];
  const tolerated: string[] = [];
  // ESB's channel adds request_id to every JSON body it returns (CONTRACTS.md §1.5); component
  // doc examples mostly leave it out.
  if (isEsb(f) && isObj(expectation(f).body)) {
    extraKeys.push({ pattern: '$', key: 'request_id' });
    tolerated.push('ESB may add request_id (CONTRACTS.md §1.5)');
  }
  const optional = variantOptional.get(`${apiKey(f)} ${isEsb(f) ? 'esb' : 'apigw'}`);
  for (const key of optional ?? []) {
    extraKeys.push({ pattern: '$', key });
    optionalKeys.push({ pattern: '$', key });
    tolerated.push(`variants of ${apiKey(f)} disagree on envelope key "${key}"`);
  }
  for (const { quote, rule } of NOTED[lf.file] ?? []) {
    if (!(f.notes ?? '').includes(quote)) {
      problems.push(`a tolerance relies on the notes saying "${quote}", but they no longer do`);
      continue;
    }
    extraKeys.push(...((rule.extraKeys ?? []) as typeof extraKeys));
    optionalKeys.push(...((rule.optionalKeys ?? []) as typeof optionalKeys));
    aliases.push(...((rule.aliases ?? []) as typeof aliases));
    tolerated.push(`notes: "${quote}"`);
  }
  const empty = EMPTY_OK[lf.file];
  if (empty) tolerated.push(`may be empty: ${empty.patterns.join(', ')} (${empty.reason})`);
  return { rules: { extraKeys, optionalKeys, aliases, emptyOk: empty?.patterns ?? [] }, problems, tolerated };
}

const AUTH_FIELDS = ['bk_app_code', 'bk_app_secret', 'bk_token', 'bk_username'] as const;

export interface FixtureReplayer {
  replay(lf: LoadedFixture): Promise<ReplayResult>;
  close(): Promise<void>;
}

export async function createReplayer(
  opts: ReplayOptions,
  all: readonly LoadedFixture[],
): Promise<FixtureReplayer> {
  const receiver = await CallbackReceiver.start(opts.callbackHost ?? '127.0.0.1');
  const world = new ReplayWorld(opts.http, opts, receiver, opts.jobWaitMs ?? 60_000);
  const variantOptional = variantOptionalKeys(all);
  const ctx: ReplayCtx = { opts, world, variantOptional };
  return {
    async replay(lf) {
      const subs: string[] = [];
      try {
        const { call, problems } = await replayOne(ctx, lf, subs);
        return { file: lf.file, call, ok: problems.length === 0, problems, substitutions: subs };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const problem =
          err instanceof ReplaySetupError ? `setup failed: ${message}` : `replay failed: ${message}`;
        return {
          file: lf.file,
          call: `${lf.fixture.method} ${lf.fixture.path}`,
          ok: false,
          problems: [problem],
          substitutions: subs,
        };
      }
    },
    close: () => receiver.close(),
  };
}

interface ReplayCtx {
  opts: ReplayOptions;
  world: ReplayWorld;
  variantOptional: Map<string, Set<string>>;
}

async function replayOne(
  ctx: ReplayCtx,
  lf: LoadedFixture,
  subs: string[],
): Promise<{ call: string; problems: string[] }> {
  const f = lf.fixture;
  if (lf.file.startsWith('apigw.error.')) return replayGatewayError(ctx, lf, subs);
  if (apiKey(f) === 'job.callback') return replayJobCallback(ctx, lf, subs);
  return replayApi(ctx, lf, subs);
}

/** Checks one answer against the fixture's expectation; the heart of every replay. */
function check(
  ctx: ReplayCtx,
  lf: LoadedFixture,
  answer: ReplayAnswer,
  expectedBody: unknown,
  subs: string[],
): string[] {
  const exp = expectation(lf.fixture);
  const { rules, problems, tolerated } = rulesFor(lf, ctx.variantOptional);
  for (const t of tolerated) subs.push(`tolerated: ${t}`);
  if (answer.status !== exp.status) problems.push(`HTTP ${answer.status}, the fixture says ${exp.status}`);
  for (const name of Object.keys(exp.headers)) {
    if (answer.headers.get(name) === null) problems.push(`missing response header ${name}`);
  }
  if (answer.json === undefined) {
    problems.push(`body is not JSON: ${answer.text.slice(0, 200)}`);
    return problems;
  }
  if (isObj(expectedBody) && isObj(answer.json)) {
    const got = answer.json;
    if (expectedBody.result === true && got.result !== true) {
      problems.push(`answered result=${String(got.result)} code=${String(got.code)}: ${String(got.message)}`);
    }
    // For gateway errors the code is what tells one error from another.
    if (expectedBody.result === false && expectedBody.code !== got.code) {
      problems.push(`code ${String(got.code)}, the fixture says ${String(expectedBody.code)}`);
    }
  }
  problems.push(...compareShape(expectedBody, answer.json, rules));
  return problems;
}

function fillPath(template: string, params: Json): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = params[name];
    if (v === undefined) throw new ReplaySetupError(`fixture has no path parameter ${name}`);
    return encodeURIComponent(String(v));
  });
}

async function replayApi(
  ctx: ReplayCtx,
  lf: LoadedFixture,
  subs: string[],
): Promise<{ call: string; problems: string[] }> {
  const f = lf.fixture;
  const esb = isEsb(f);
  const method = f.method === 'GET' ? 'GET' : 'POST';
  const draft: Draft = {
    pathParams: clone(f.request.path_params ?? {}),
    query: clone(f.request.query ?? {}),
    body: clone(f.request.body),
    expected: clone(expectation(f).body),
    variant: f.variant ?? '',
    subs,
  };
  const prepare = (esb ? PREPARE_ESB[apiKey(f)] : undefined) ?? PREPARE[apiKey(f)];
  if (prepare) await prepare(ctx.world, draft);

  // Credentials: the doc's placeholders become the sandbox app and admin, in place.
  const { appCode, appSecret, bkToken, username } = ctx.opts;
  const real: Record<(typeof AUTH_FIELDS)[number], string> = {
    bk_app_code: appCode,
    bk_app_secret: appSecret,
    bk_token: bkToken,
    bk_username: username,
  };
  let inPlace = false;
  for (const [where, target] of [
    ['query', draft.query],
    ['body', draft.body],
  ] as const) {
    if (!isObj(target)) continue;
    for (const k of AUTH_FIELDS) {
      if (!(k in target)) continue;
      inPlace = true;
      if (target[k] !== real[k])
        subs.push(`${where}.${k}: ${JSON.stringify(target[k])} → sandbox credential`);
      target[k] = real[k];
    }
  }
  const headers: Record<string, string> = {};
  if (!esb) {
    Object.assign(headers, ctx.world.authHeader());
    subs.push('X-Bkapi-Authorization: sandbox app + token-admin');
  } else if (!inPlace) {
    if (method === 'GET')
      Object.assign(draft.query, { bk_app_code: appCode, bk_app_secret: appSecret, bk_token: bkToken });
    else
      draft.body = {
        bk_app_code: appCode,
        bk_app_secret: appSecret,
        bk_token: bkToken,
        ...(isObj(draft.body) ? draft.body : {}),
      };
    subs.push('ESB auth fields added');
  }

  const path = fillPath(f.path, draft.pathParams);
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(draft.query)) query[k] = typeof v === 'string' ? v : JSON.stringify(v);
  const answer = await ctx.opts.http({
    method,
    path,
    query,
    headers,
    body: method === 'POST' ? draft.body : undefined,
  });
  return { call: `${method} ${path}`, problems: check(ctx, lf, answer, draft.expected, subs) };
}

/** The fixture's trigger as the auth header JSON it describes, doc placeholders made real. */
function triggerHeader(ctx: ReplayCtx, trigger: string, subs: string[]): Record<string, string> {
  const json = /^\{.*?\}/.exec(trigger)?.[0];
  if (!json) throw new ReplaySetupError(`trigger is not an auth header: ${trigger}`);
  const auth = JSON.parse(json) as Json;
  if (auth.bk_app_code === 'x') {
    auth.bk_app_code = ctx.opts.appCode;
    subs.push('trigger bk_app_code "x" → the sandbox app');
  }
  if (auth.bk_app_secret === 'y') {
    auth.bk_app_secret = ctx.opts.appSecret;
    subs.push('trigger bk_app_secret "y" → the sandbox secret');
  }
  return { 'X-Bkapi-Authorization': JSON.stringify(auth) };
}

/**
 * Gateway errors have no request, only a trigger: each is made to happen on a real resource
 * (JOB get_job_plan_list: app and user verification required, like every bk-job resource).
 */
async function replayGatewayError(
  ctx: ReplayCtx,
  lf: LoadedFixture,
  subs: string[],
): Promise<{ call: string; problems: string[] }> {
  const kind = lf.file.replace(/^apigw\.error\./, '').replace(/\.json$/, '');
  const trigger = lf.fixture.request.trigger ?? '';
  const w = await ctx.world.cmdb();
  const resource = '/api/bk-job/prod/api/v3/get_job_plan_list';
  const apiName = 'job.get_job_plan_list';
  const query = { bk_scope_type: 'biz', bk_scope_id: String(w.biz.id) };
  const send = (headers: Record<string, string>, path = resource, method: 'GET' | 'POST' = 'GET') =>
    ctx.opts.http({
      method,
      path,
      query: path === resource ? query : {},
      headers,
      body: method === 'POST' ? {} : undefined,
    });
  const withFaults = async (faults: Json, run: () => Promise<ReplayAnswer>) => {
    await ctx.world.control('/faults', { ...faults, apis: [apiName] });
    subs.push(`precondition: POST /_sandbox/faults ${JSON.stringify({ ...faults, apis: [apiName] })}`);
    try {
      return await run();
    } finally {
      await ctx.world.control('/faults', {});
    }
  };
  /** Calls until the limiter answers 429: two calls may straddle a one-second window. */
  const untilLimited = async () => {
    let last: ReplayAnswer | null = null;
    for (let i = 0; i < 5; i++) {
      last = await send(ctx.world.authHeader());
      if (last.status !== 200) break;
    }
    return last as ReplayAnswer;
  };

  let answer: ReplayAnswer;
  let call = `GET ${resource}`;
  switch (kind) {
    case 'api_not_found':
      // The doc's own example path.
      call = 'POST /api/xxxxx';
      answer = await send(ctx.world.authHeader(), '/api/xxxxx', 'POST');
      break;
    case 'app_code_empty':
      subs.push('trigger: no X-Bkapi-Authorization header');
      answer = await send({});
      break;
    case 'app_secret_incorrect':
    case 'app_secret_missing':
    case 'user_missing':
    case 'user_not_verified':
      answer = await send(triggerHeader(ctx, trigger, subs));
      break;
    case 'app_no_permission':
      answer = await withFaults({ noPermissionNext: 1 }, () => send(ctx.world.authHeader()));
      break;
    case 'backend_timeout':
      // failNext answers the 504 at once; a hang would take the gateway's full 60 s.
      answer = await withFaults({ failNext: 1, errorStatus: 504 }, () => send(ctx.world.authHeader()));
      break;
    case 'rate_limit_resource':
      answer = await withFaults({ rateLimitPerSec: 1 }, untilLimited);
      break;
    case 'rate_limit_stage':
      answer = await withFaults({ rateLimitPerSec: 1, rateLimitStrategy: 'stage' }, untilLimited);
      break;
    default:
      throw new ReplaySetupError(`no way known to trigger gateway error "${kind}" (${trigger})`);
  }
  return { call, problems: check(ctx, lf, answer, expectation(lf.fixture).body, subs) };
}

/**
 * `job.callback_protocol.json` describes the POST JOB makes to `callback_url`: run a job with a
 * callback to the local receiver and compare what arrives with the fixture's request.
 */
async function replayJobCallback(
  ctx: ReplayCtx,
  lf: LoadedFixture,
  subs: string[],
): Promise<{ call: string; problems: string[] }> {
  const path = `/ok/job/${Date.now()}`;
  const url = `${ctx.world.receiver.baseUrl}${path}`;
  const jobId = await ctx.world.startScript(url);
  subs.push(`precondition: fast_execute_script ${jobId} with callback_url ${url}`);
  const cb = await ctx.world.receiver.waitFor(path, ctx.opts.jobWaitMs ?? 60_000);
  const problems: string[] = [];
  for (const [name, value] of Object.entries(lf.fixture.request.headers ?? {})) {
    const got = cb.headers[name.toLowerCase()];
    const gotText = Array.isArray(got) ? got.join(',') : (got ?? '');
    if (!gotText.startsWith(value))
      problems.push(`callback header ${name}: "${gotText}", the fixture says "${value}"`);
  }
  if (cb.json === undefined) problems.push(`callback body is not JSON: ${cb.text.slice(0, 200)}`);
  else problems.push(...compareShape(lf.fixture.request.body, cb.json));
  return { call: `POST {callback_url} (received from JOB)`, problems };
}

/** Loads, replays in file order (directory by directory), closes; what the script runs. */
export async function replayAll(
  opts: ReplayOptions,
  dirs: readonly string[] = [DEFAULT_FIXTURES_DIR, REPO_FIXTURES_DIR],
): Promise<ReplayResult[]> {
  const all = dirs.flatMap((dir) => loadFixtures(dir));
  const replayer = await createReplayer(opts, all);
  try {
    const results: ReplayResult[] = [];
    for (const lf of all) results.push(await replayer.replay(lf));
    return results;
  } finally {
    await replayer.close();
  }
}
