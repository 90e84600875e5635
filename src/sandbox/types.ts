/**
 * The sandbox's internal contract between its core (HTTP, gateway auth, envelopes, faults, stats,
 * control endpoints, seed data) and the per-system API modules in `apis/`.
 *
 * The sandbox never imports bk-graph's clients and the clients never import the sandbox: they meet
 * only over HTTP.
 */

export type SbSystem = 'cmdb' | 'gse' | 'job' | 'itsm' | 'login' | 'paas';
export type SbTransport = 'apigw' | 'esb';

/** Envelope family of a system (CONTRACTS.md §2); the core wraps handler results in it. */
export type SbEnvelope =
  | 'cmdb' // {result, code, message, permission, data} (+request_id on ESB)
  | 'job' // {result, code, data, job_request_id} (+message on failure / ESB)
  | 'itsm' // {result, code, message, data}
  | 'gse' // {result, code, message, data}
  | 'login' // ESB {result, code, message:"OK", data}; APIGW {data} / HTTP 400 {error:{code,message}}
  | 'bare'; // bkpaas3 APIGW: the body is the data (a bare array)

export interface SbUser {
  username: string;
  displayName: string;
  bkToken: string;
  accessToken: string;
  language: 'zh-cn' | 'en';
  tenantId: string;
  /** admin: every business; alice: some; bob: none. */
  businessIds: ReadonlySet<number> | 'all';
}

export interface SbBusiness {
  bk_biz_id: number;
  bk_biz_name: string;
  bk_biz_maintainer: string;
  bk_biz_productor: string;
  bk_biz_developer: string;
  bk_biz_tester: string;
  time_zone: string;
  language: string;
  bk_supplier_account: string;
  life_cycle: string;
  operator: string;
  default: 0 | 1;
  create_time: string;
  last_time: string;
}

export interface SbSet {
  bk_set_id: number;
  bk_set_name: string;
  bk_biz_id: number;
  bk_parent_id: number;
  default: 0 | 1;
  bk_set_env: string;
  bk_service_status: string;
  bk_capacity: number | null;
  bk_set_desc: string;
  description: string;
  set_template_id: number;
  bk_supplier_account: string;
  create_time: string;
  last_time: string;
}

export interface SbModule {
  bk_module_id: number;
  bk_module_name: string;
  bk_set_id: number;
  bk_biz_id: number;
  bk_parent_id: number;
  /** 0 normal, 1 idle, 2 fault, 3 recycle. */
  default: 0 | 1 | 2 | 3;
  bk_module_type: string;
  operator: string;
  bk_bak_operator: string;
  host_apply_enabled: boolean;
  service_category_id: number;
  service_template_id: number;
  set_template_id: number;
  bk_supplier_account: string;
  create_time: string;
  last_time: string;
}

export interface SbHost {
  bk_host_id: number;
  /** May be comma-joined multiple IPv4s; may be '' for IPv6-only hosts. */
  bk_host_innerip: string;
  bk_host_innerip_v6: string;
  bk_host_outerip: string;
  bk_host_outerip_v6: string;
  bk_cloud_id: number;
  bk_host_name: string;
  /** '1' Linux, '2' Windows, '3' AIX, or null (CMDB allows it). */
  bk_os_type: string | null;
  bk_os_name: string;
  bk_os_version: string;
  bk_os_bit: string;
  bk_cpu: number;
  bk_mem: number;
  bk_disk: number;
  bk_mac: string;
  bk_agent_id: string;
  bk_supplier_account: string;
  operator: string;
  bk_bak_operator: string;
  create_time: string;
  last_time: string;
}

/** One host-module membership (a host may sit in several modules of one business). */
export interface SbHostRelation {
  bk_host_id: number;
  bk_biz_id: number;
  bk_set_id: number;
  bk_module_id: number;
}

export interface SbAgent {
  bk_agent_id: string;
  bk_cloud_id: number;
  /** First inner IPv4 of the host ('' if none): the GSE 1.0 key is `${cloud}:${ip}`. */
  ip: string;
  /** GSE 2.0 status_code: 2 running; 0/1/3/4/-2 other states. */
  status_code: number;
  /** GSE 1.0 bk_agent_alive: 1 online, 0 offline. */
  alive: 0 | 1;
  version: string;
}

/** Seeded, mutable world state. Replaced wholesale on `POST /_sandbox/reset?data=1`. */
export interface SandboxData {
  users: ReadonlyMap<string, SbUser>;
  businesses: SbBusiness[];
  sets: SbSet[];
  modules: SbModule[];
  hosts: SbHost[];
  relations: SbHostRelation[];
  /** Keyed by bk_agent_id. Hosts without an agent have none. */
  agents: Map<string, SbAgent>;
}

/** A parsed request, after routing and gateway auth, handed to an API handler. */
export interface SbRequest {
  readonly transport: SbTransport;
  readonly method: 'GET' | 'POST';
  readonly system: SbSystem;
  readonly api: string;
  /** APIGW path parameters; on ESB the core copies body/query fields of the same names here. */
  readonly pathParams: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** JSON body (POST); for GET the query again, so handlers can read either. */
  readonly body: Readonly<Record<string, unknown>>;
  /** The verified user, or null when the API does not require one and none was given. */
  readonly user: SbUser | null;
  /** Unverified bk_username claim (CMDB and ITSM accept it without a verified user). */
  readonly claimedUsername: string | null;
  readonly appCode: string;
  readonly tenantId: string;
  readonly requestId: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /**
   * Runs `fn` right after this call's answer has been written (so, for instance, ITSM can decide
   * a ticket "just after create_ticket answered"); never when the call is not answered.
   */
  afterAnswer(fn: () => void): void;
}

/** A BlueKing business error: the core renders it in the system's envelope (HTTP 200). */
export class SbBizError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly extra: { permission?: unknown; data?: unknown; httpStatus?: number } = {},
  ) {
    super(message);
    this.name = 'SbBizError';
  }
}

/**
 * A full raw reply bypassing envelopes (bk-login APIGW 400 `{error:{...}}`, JOB gateway 401, ...).
 * Handlers return it instead of data.
 */
export class SbRawReply {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {}
}

export interface ApiDef {
  readonly system: SbSystem;
  readonly api: string;
  /** APIGW route; null when the API exists only on ESB (bk_login get_user/is_login, bk_paas). */
  readonly apigw: { readonly gateway: string; readonly method: 'GET' | 'POST'; readonly path: string } | null;
  /** ESB route under /api/c/compapi/v2/{system}/{name}/; null when APIGW-only. ESB accepts GET and POST. */
  readonly esb: { readonly system: string; readonly name: string } | null;
  /** Gateway `userVerifiedRequired`: a verified bk_token/access_token is needed, not just bk_username. */
  readonly userVerifiedRequired: boolean;
  /** The API needs some user (verified or claimed); false for bk-login token APIs and PaaS. */
  readonly userRequired: boolean;
  readonly envelope: SbEnvelope;
  handler(req: SbRequest): unknown | SbRawReply | Promise<unknown | SbRawReply>;
}

export type WatchResource = 'host' | 'host_relation' | 'biz' | 'set' | 'module';
export type WatchEventType = 'create' | 'update' | 'delete';

/** What the core offers to API modules. */
export interface SandboxContext {
  /** Current data (a new object after a data reset: read it on every call, never cache it). */
  readonly data: SandboxData;
  readonly options: Readonly<SandboxOptions>;
  /** Epoch ms. */
  now(): number;
  /**
   * Throws SbBizError 9900403 with the IAM `permission` object (CONTRACTS.md §2.1) unless the
   * request's user (verified or claimed) may act on the business.
   */
  assertBizAccess(
    req: SbRequest,
    bizId: number,
    action: { id: string; name: string },
    iamSystem: 'bk_cmdb' | 'bk_job',
  ): void;
  /** Records a CMDB watch event and wakes long-polling resource_watch calls. */
  emitWatchEvent(resource: WatchResource, type: WatchEventType, detail: Record<string, unknown>): void;
  /** POSTs JSON to a callback URL (JOB/ITSM callbacks); resolves to the HTTP status, or 0 on failure. */
  postJson(url: string, body: unknown, headers?: Record<string, string>): Promise<number>;
  /** POSTs a form-encoded body (JOB's retry of a failed JSON callback). */
  postForm(url: string, body: Record<string, string>): Promise<number>;
  /** setTimeout that is cleared when the sandbox closes or its data is reset. */
  schedule(fn: () => void, ms: number): void;
  /** Deterministic random numbers from SANDBOX_SEED, for modules that seed their own data. */
  random(stream: string): () => number;
}

/** A per-system module: its APIs and its own state, rebuilt on a data reset. */
export interface ApiModule {
  readonly apis: readonly ApiDef[];
  /** Control routes of this module under /_sandbox (e.g. ITSM approve/reject). */
  readonly controlRoutes?: readonly ControlRoute[];
  /** Called on `POST /_sandbox/reset?data=1` after the core re-seeded `ctx.data`. */
  reset?(): void;
  /** Called on every `POST /_sandbox/reset`, with or without data: zero the module's counters. */
  resetCounters?(): void;
}

export interface ControlRoute {
  readonly method: 'GET' | 'POST';
  /** Path under /_sandbox with `{param}` placeholders, e.g. `/itsm/tickets/{sn}/approve`. */
  readonly path: string;
  handler(params: Record<string, string>, body: Record<string, unknown>): SbRawReply | Promise<SbRawReply>;
}

export type ApiModuleFactory = (ctx: SandboxContext) => ApiModule;

export interface SandboxOptions {
  seed: number;
  hosts: number;
  /** Normal businesses to seed; derived from `hosts` when not given (3 to 40). */
  businesses?: number;
  jobMs: number;
  watchTimeoutMs: number;
  appCode: string;
  appSecret: string;
  /** Largest accepted request body; larger → 413 1641301 on APIGW. @default 40 MiB */
  maxBodyBytes?: number;
  host?: string;
  /** 0 = ephemeral. */
  port?: number;
}

export interface Faults {
  latencyMs: number;
  jitterMs: number;
  /** Fraction of calls answered 5xx. */
  errorRate: number;
  /** Fraction of calls that hang (never answer until the client gives up). */
  timeoutRate: number;
  /** Fraction of calls answered with a truncated, unparsable JSON body. */
  malformedRate: number;
  /** Requests per second per app before 429 1642903; 0 = unlimited. */
  rateLimitPerSec: number;
}

export interface Sandbox {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}
