import { hkdfSync } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from './errors';
import {
  DEFAULT_BATCH_LIMITS,
  MAX_CONCURRENCY,
  SYSTEMS,
  type BatchLimits,
  type System,
  type Transport,
} from './upstream/limits';

/**
 * Configuration is parsed once, here, from the environment. Every problem is reported together
 * (one line per variable, values of secrets never echoed) and the caller exits with code 1.
 * Nothing else in bk-graph reads `process.env`.
 */

const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const optionalUrl = z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional());
const port = (fallback: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).default(fallback));
const positiveInt = (fallback: number, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(max).default(fallback));
/** An integer setting within [min, max]. */
const intIn = (fallback: number, min: number, max: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().int().min(min).max(max).default(fallback));
const flag = z.preprocess(
  emptyAsUndefined,
  z
    .enum(['1', '0', 'true', 'false', 'yes', 'no'])
    .optional()
    .transform((v) => v === '1' || v === 'true' || v === 'yes'),
);
const transport = z.preprocess(emptyAsUndefined, z.enum(['apigw', 'esb']).optional());
/** A flag that is on unless set to 0/false/no. */
const flagDefaultOn = z.preprocess(
  emptyAsUndefined,
  z
    .enum(['1', '0', 'true', 'false', 'yes', 'no'])
    .default('1')
    .transform((v) => v === '1' || v === 'true' || v === 'yes'),
);

const SandboxModel = z.object({
  SANDBOX_PORT: port(4100),
  SANDBOX_SEED: positiveInt(42),
  SANDBOX_HOSTS: positiveInt(2000, 1_000_000),
  // 0: derived from SANDBOX_HOSTS (about one business per 100 hosts, 3 to 40).
  SANDBOX_BUSINESSES: positiveInt(0, 10_000),
  SANDBOX_JOB_MS: positiveInt(1500),
  SANDBOX_WATCH_TIMEOUT_MS: positiveInt(20_000),
  SANDBOX_APP_CODE: z.preprocess(emptyAsUndefined, z.string().max(32).default('bk-graph')),
  SANDBOX_APP_SECRET: z.preprocess(emptyAsUndefined, z.string().max(128).default('sandbox-secret')),
});

const EnvModel = SandboxModel.extend({
  PORT: port(4000),
  HOST: z.preprocess(emptyAsUndefined, z.string().default('127.0.0.1')),
  PUBLIC_URL: optionalUrl,
  LOG_LEVEL: z.preprocess(
    emptyAsUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  BK_SANDBOX: flag,
  BK_API_URL_TMPL: optionalString.refine(
    (v) => v === undefined || /^https?:\/\/[^\s]*\{(api_name|gateway_name)\}/.test(v),
    'must be an http(s) URL containing {api_name}, e.g. http://bkapi.example.com/api/{api_name}/',
  ),
  BK_API_STAGE: z.preprocess(emptyAsUndefined, z.string().default('prod')),
  BK_COMPONENT_API_URL: optionalUrl,
  BK_TRANSPORT: z.preprocess(emptyAsUndefined, z.enum(['apigw', 'esb']).default('apigw')),
  BK_CMDB_TRANSPORT: transport,
  BK_JOB_TRANSPORT: transport,
  BK_GSE_TRANSPORT: transport,
  BK_ITSM_TRANSPORT: transport,
  BK_LOGIN_TRANSPORT: transport,
  BK_PAAS_TRANSPORT: transport,
  BK_GSE_VERSION: z.preprocess(emptyAsUndefined, z.enum(['1', '2']).default('2')),
  BK_APP_CODE: optionalString.refine(
    (v) => v === undefined || v.length <= 32,
    'must be at most 32 characters',
  ),
  BK_APP_SECRET: optionalString.refine(
    (v) => v === undefined || v.length <= 128,
    'must be at most 128 characters',
  ),
  BK_TENANT_ID: optionalString,
  BK_SUPPLIER_ACCOUNT: z.preprocess(emptyAsUndefined, z.string().default('0')),
  BK_UPSTREAM_TIMEOUT_MS: positiveInt(10_000),
  BK_REQUEST_DEADLINE_MS: positiveInt(30_000),
  BK_BREAKER_THRESHOLD: z.preprocess(emptyAsUndefined, z.coerce.number().gt(0).lt(1).default(0.5)),
  BK_BREAKER_MIN_CALLS: intIn(20, 1, 100_000),
  BK_BREAKER_WINDOW_MS: intIn(10_000, 1000, 600_000),
  BK_BREAKER_HALF_OPEN_MS: intIn(5000, 100, 600_000),
  GRAPHQL_MAX_DEPTH: intIn(12, 1, 100),
  GRAPHQL_MAX_ALIASES: intIn(30, 0, 1000),
  GRAPHQL_MAX_DIRECTIVES: intIn(50, 0, 1000),
  // Above ~4000 tokens a document can nest deeply enough to exhaust graphql-js's recursive parser.
  GRAPHQL_MAX_TOKENS: intIn(2000, 100, 4000),
  GRAPHQL_MAX_COST: intIn(50_000, 0, Number.MAX_SAFE_INTEGER),
  GRAPHQL_MAX_FIELDS: intIn(100_000, 1, 100_000_000),
  DATABASE_URL: optionalString.refine(
    (v) => v === undefined || /^postgres(ql)?:\/\//.test(v),
    'must be a postgres:// URL',
  ),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('./data')),
  DATABASE_SCHEMA: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lowercase Postgres identifier')
      .default('public'),
  ),
  REDIS_URL: optionalString.refine(
    (v) => v === undefined || /^rediss?:\/\//.test(v),
    'must be a redis:// URL',
  ),
  CACHE_TTL_BUSINESS_S: positiveInt(60, 86_400),
  CACHE_TTL_TOPOLOGY_S: positiveInt(60, 86_400),
  CACHE_TTL_HOSTS_S: positiveInt(30, 86_400),
  CACHE_TTL_AGENT_S: positiveInt(10, 86_400),
  CACHE_TTL_APP_S: positiveInt(300, 86_400),
  CACHE_TTL_USER_S: positiveInt(60, 86_400),
  CACHE_TTL_JOB_S: positiveInt(300, 86_400),
  CACHE_NAMESPACE: z.preprocess(emptyAsUndefined, z.string().max(64).default('bk-graph')),
  CACHE_MEMORY_MAX_MB: positiveInt(128, 65_536),
  BK_BATCH_LIMITS: z
    .preprocess(emptyAsUndefined, z.string().optional())
    .transform((v, zctx) => parseBatchLimits(v, zctx)),
  WATCH_ENABLED: flagDefaultOn,
  RECONCILE_INTERVAL_S: intIn(60, 1, 86_400),
  BK_GRAPH_ADMINS: optionalString,
  ITSM_APPROVAL_SERVICE_ID: optionalString.refine(
    (v) => v === undefined || /^\d+$/.test(v),
    'must be a numeric ITSM service id',
  ),
  ITSM_SERVICE_USERNAME: z.preprocess(emptyAsUndefined, z.string().max(64).default('admin')),
  ITSM_SERVICE_ACCESS_TOKEN: optionalString,
  WATCH_USERNAME: z.preprocess(emptyAsUndefined, z.string().max(64).default('admin')),
  STORE_SECRET: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .min(32, 'must be at least 32 characters')
      .max(1024, 'must be at most 1024 characters')
      .optional(),
  ),
});

/** What a GraphQL document may ask for before anything runs (see src/graphql/limits.ts). */
export interface QueryLimitsConfig {
  /** Deepest field nesting. */
  depth: number;
  /** Aliased fields per operation. */
  aliases: number;
  /** Directives per operation. */
  directives: number;
  /** Tokens per document, counted while parsing. */
  tokens: number;
  /**
   * Cost budget: objects the operation may produce, by `first` and list fan-outs
   * (src/graphql/cost.ts); 0 turns the cost limit off (`fields` and the deadline still apply).
   */
  cost: number;
  /** Most fields with resolvers one request may resolve while it runs (src/graphql/execution-guard.ts). */
  fields: number;
}

export interface SandboxConfig {
  /** Port of the standalone sandbox (`npm run sandbox`); in-process it listens on an ephemeral port. */
  port: number;
  seed: number;
  hosts: number;
  /** Normal businesses to seed; derived from `hosts` when absent. */
  businesses?: number;
  /** Milliseconds each JOB step takes before it moves on. */
  jobMs: number;
  /** How long CMDB `resource_watch` long-polls when nothing happens (real CMDB: ~20 s). */
  watchTimeoutMs: number;
  appCode: string;
  appSecret: string;
}

export interface UpstreamConfig {
  /** APIGW URL template with `{api_name}`; null when APIGW is not configured. */
  apiUrlTmpl: string | null;
  stage: string;
  /** ESB root (e.g. http://paas.example.com); null when ESB is not configured. */
  componentApiUrl: string | null;
  transports: Record<System, Transport>;
  gseVersion: 1 | 2;
  appCode: string;
  appSecret: string;
  tenantId: string | null;
  supplierAccount: string;
  /** Per-attempt timeout for one upstream call. */
  timeoutMs: number;
  /** Default deadline of a whole GraphQL request (all its upstream calls and retries). */
  requestDeadlineMs: number;
}

/** When a system's circuit opens, and how long it then fails fast (src/upstream/http/breaker.ts). */
export interface BreakerConfig {
  /** Share of calls (0..1) failing within the window that opens the circuit. */
  threshold: number;
  /** Fewest calls within the window before it may open. */
  minimumCalls: number;
  windowMs: number;
  /** How long an open circuit fails fast before one probe call goes through. */
  halfOpenAfterMs: number;
}

/** Seconds each cached kind lives (0 = not cached); `topology` also covers sets, modules, relations. */
export interface CacheTtlConfig {
  business: number;
  topology: number;
  hosts: number;
  agent: number;
  app: number;
  user: number;
  /** Finished JOB executions and their logs (unfinished ones are never cached). */
  job: number;
}

export interface CacheConfig {
  ttlSeconds: CacheTtlConfig;
  /** Prefix of every cache key in the store (Redis), so several deployments can share one Redis. */
  namespace: string;
  /** Upper bound of the in-memory store (ignored with Redis). */
  memoryMaxMb: number;
}

/** The write side's settings (src/services). */
export interface ServicesSettings {
  /** Users who see and may act on every ticket and approval bk-graph created. */
  admins: string[];
  /** ITSM service of approval tickets when a request names none; null: requests must name one. */
  approvalServiceId: string | null;
  /** bk-graph's identity in ITSM when no person is calling (the callback route, the reconcile loop). */
  serviceUsername: string;
  /**
   * An access token of that user, for ITSM's ticket_approval_result, which needs a verified user on
   * APIGW; without it the username is sent as an unverified claim (enough for the sandbox and ESB).
   */
  serviceAccessToken: string | null;
  reconcileIntervalMs: number;
}

export interface WatchConfig {
  /** Run the CMDB resource_watch loops that evict changed data from the cache. */
  enabled: boolean;
  /** Service identity of the watcher (CMDB accepts an unverified bk_username, CONTRACTS.md §1.2). */
  username: string;
}

/**
 * `BK_BATCH_LIMITS=hostsPage=200,gseAgents=500`: lowers per-endpoint batch sizes for a gateway
 * configured tighter than BlueKing's documented maxima; never above them (concurrency up to 256).
 */
function parseBatchLimits(raw: string | undefined, zctx: z.RefinementCtx): BatchLimits {
  const limits: BatchLimits = { ...DEFAULT_BATCH_LIMITS };
  for (const part of (raw ?? '').split(',').filter((p) => p.trim())) {
    const [name = '', value = ''] = part.split('=').map((x) => x.trim());
    const max = name === 'concurrency' ? MAX_CONCURRENCY : DEFAULT_BATCH_LIMITS[name as keyof BatchLimits];
    const n = Number(value);
    if (max === undefined) {
      zctx.addIssue({
        code: 'custom',
        message: `unknown limit "${name}" (known: ${Object.keys(DEFAULT_BATCH_LIMITS).join(', ')})`,
      });
    } else if (!Number.isInteger(n) || n < 1 || n > max) {
      zctx.addIssue({ code: 'custom', message: `${name} must be an integer from 1 to ${max}` });
    } else {
      limits[name as keyof BatchLimits] = n;
    }
  }
  return limits;
}

export interface Config {
  port: number;
  host: string;
  /** How BlueKing reaches bk-graph (callback URLs); null = derived from the listening address. */
  publicUrl: string | null;
  logLevel: string;
  /** Sandbox mode: the embedded BlueKing starts in-process and the clients point at it. */
  sandboxMode: boolean;
  sandbox: SandboxConfig;
  upstream: UpstreamConfig;
  breaker: BreakerConfig;
  queryLimits: QueryLimitsConfig;
  databaseUrl: string | null;
  dataDir: string;
  /** Postgres schema of bk-graph's tables (several deployments or test runs can share a database). */
  databaseSchema: string;
  redisUrl: string | null;
  cache: CacheConfig;
  /** Keys per upstream call, per endpoint (BK_BATCH_LIMITS over BlueKing's documented maxima). */
  batchLimits: BatchLimits;
  watch: WatchConfig;
  services: ServicesSettings;
  /**
   * 32 bytes: the key of the secrets the store keeps encrypted (an approval's password variables),
   * derived from STORE_SECRET, else from the app secret (BK_APP_SECRET; the sandbox's in sandbox mode).
   */
  storeKey: Buffer;
}

export { ConfigError };

/** The approval service the sandbox seeds (src/sandbox/data/itsm-services.ts). */
const SANDBOX_APPROVAL_SERVICE_ID = '17';

type Env = Record<string, string | undefined>;

function problemsOf(error: z.ZodError): string[] {
  // Only the variable name and the rule are reported: never the value, which may be a secret.
  return error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`);
}

function sandboxFrom(e: z.infer<typeof SandboxModel>): SandboxConfig {
  return {
    port: e.SANDBOX_PORT,
    seed: e.SANDBOX_SEED,
    hosts: e.SANDBOX_HOSTS,
    ...(e.SANDBOX_BUSINESSES > 0 ? { businesses: e.SANDBOX_BUSINESSES } : {}),
    jobMs: e.SANDBOX_JOB_MS,
    watchTimeoutMs: e.SANDBOX_WATCH_TIMEOUT_MS,
    appCode: e.SANDBOX_APP_CODE,
    appSecret: e.SANDBOX_APP_SECRET,
  };
}

/**
 * HKDF-SHA256 of a secret into the 32-byte store key. STORE_SECRET goes through it too, so any
 * text of 32 characters or more makes a well-formed key, and the same text always the same key.
 */
function storeKeyOf(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'bk-graph', 'bk-graph store key v1', 32));
}

/** Parses the whole configuration; throws one ConfigError listing every problem. */
export function loadConfig(env: Env): Config {
  const parsed = EnvModel.safeParse(env);
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error));
  const e = parsed.data;
  const sandboxMode = e.BK_SANDBOX || (!e.BK_API_URL_TMPL && !e.BK_COMPONENT_API_URL);

  const transports = Object.fromEntries(
    SYSTEMS.map((s) => [s, e[`BK_${s.toUpperCase()}_TRANSPORT` as keyof typeof e] ?? e.BK_TRANSPORT]),
  ) as Record<System, Transport>;

  const problems: string[] = [];
  if (!sandboxMode) {
    for (const s of SYSTEMS) {
      if (transports[s] === 'apigw' && !e.BK_API_URL_TMPL)
        problems.push(`BK_API_URL_TMPL: required because ${s} uses the apigw transport`);
      if (transports[s] === 'esb' && !e.BK_COMPONENT_API_URL)
        problems.push(`BK_COMPONENT_API_URL: required because ${s} uses the esb transport`);
    }
    if (!e.BK_APP_CODE) problems.push('BK_APP_CODE: required when an upstream BlueKing is configured');
    if (!e.BK_APP_SECRET) problems.push('BK_APP_SECRET: required when an upstream BlueKing is configured');
  }
  if (problems.length) throw new ConfigError([...new Set(problems)]);
  const appSecret = sandboxMode ? e.SANDBOX_APP_SECRET : (e.BK_APP_SECRET ?? '');

  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, '') ?? null,
    logLevel: e.LOG_LEVEL,
    sandboxMode,
    sandbox: sandboxFrom(e),
    upstream: {
      apiUrlTmpl: sandboxMode ? null : (e.BK_API_URL_TMPL ?? null),
      stage: e.BK_API_STAGE,
      componentApiUrl: sandboxMode ? null : (e.BK_COMPONENT_API_URL ?? null),
      transports,
      gseVersion: e.BK_GSE_VERSION === '1' ? 1 : 2,
      appCode: sandboxMode ? e.SANDBOX_APP_CODE : (e.BK_APP_CODE ?? ''),
      appSecret,
      tenantId: e.BK_TENANT_ID ?? null,
      supplierAccount: e.BK_SUPPLIER_ACCOUNT,
      timeoutMs: e.BK_UPSTREAM_TIMEOUT_MS,
      requestDeadlineMs: e.BK_REQUEST_DEADLINE_MS,
    },
    breaker: {
      threshold: e.BK_BREAKER_THRESHOLD,
      minimumCalls: e.BK_BREAKER_MIN_CALLS,
      windowMs: e.BK_BREAKER_WINDOW_MS,
      halfOpenAfterMs: e.BK_BREAKER_HALF_OPEN_MS,
    },
    queryLimits: {
      depth: e.GRAPHQL_MAX_DEPTH,
      aliases: e.GRAPHQL_MAX_ALIASES,
      directives: e.GRAPHQL_MAX_DIRECTIVES,
      tokens: e.GRAPHQL_MAX_TOKENS,
      cost: e.GRAPHQL_MAX_COST,
      fields: e.GRAPHQL_MAX_FIELDS,
    },
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir: e.DATA_DIR,
    databaseSchema: e.DATABASE_SCHEMA,
    redisUrl: e.REDIS_URL ?? null,
    cache: {
      ttlSeconds: {
        business: e.CACHE_TTL_BUSINESS_S,
        topology: e.CACHE_TTL_TOPOLOGY_S,
        hosts: e.CACHE_TTL_HOSTS_S,
        agent: e.CACHE_TTL_AGENT_S,
        app: e.CACHE_TTL_APP_S,
        user: e.CACHE_TTL_USER_S,
        job: e.CACHE_TTL_JOB_S,
      },
      namespace: e.CACHE_NAMESPACE,
      memoryMaxMb: e.CACHE_MEMORY_MAX_MB,
    },
    watch: { enabled: e.WATCH_ENABLED, username: e.WATCH_USERNAME },
    services: {
      admins: e.BK_GRAPH_ADMINS
        ? e.BK_GRAPH_ADMINS.split(',')
            .map((u) => u.trim())
            .filter(Boolean)
        : sandboxMode
          ? ['admin']
          : [],
      // The sandbox's own approval service (src/sandbox/data/itsm-services.ts).
      approvalServiceId: e.ITSM_APPROVAL_SERVICE_ID ?? (sandboxMode ? SANDBOX_APPROVAL_SERVICE_ID : null),
      serviceUsername: e.ITSM_SERVICE_USERNAME,
      serviceAccessToken: e.ITSM_SERVICE_ACCESS_TOKEN ?? (sandboxMode ? 'at-admin' : null),
      reconcileIntervalMs: e.RECONCILE_INTERVAL_S * 1000,
    },
    batchLimits: e.BK_BATCH_LIMITS,
    storeKey: storeKeyOf(e.STORE_SECRET ?? appSecret),
  };
}

/** The standalone sandbox reads only its own part of the environment. */
export function loadSandboxConfig(env: Env): SandboxConfig & { host: string } {
  const parsed = SandboxModel.extend({
    HOST: z.preprocess(emptyAsUndefined, z.string().default('127.0.0.1')),
  }).safeParse(env);
  if (!parsed.success) throw new ConfigError(problemsOf(parsed.error));
  return { ...sandboxFrom(parsed.data), host: parsed.data.HOST };
}

/** In sandbox mode the clients point at the embedded sandbox once it listens. */
export function pointAtSandbox(config: Config, sandboxUrl: string): Config {
  const root = sandboxUrl.replace(/\/+$/, '');
  return {
    ...config,
    upstream: { ...config.upstream, apiUrlTmpl: `${root}/api/{api_name}/`, componentApiUrl: root },
  };
}
