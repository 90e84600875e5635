import type { Credentials } from './credentials';
import type { System, Transport } from './limits';

export type { System, Transport };
export type HttpMethod = 'GET' | 'POST';

/**
 * One BlueKing API, described once for both transports. The HTTP core turns a spec plus a request
 * into the right URL, verb, headers and body for the configured transport.
 */
export interface ApiSpec {
  readonly system: System;
  /** BlueKing's API name (`search_business`), used in errors, logs and metrics. */
  readonly api: string;
  readonly apigw: {
    /** Gateway name substituted into BK_API_URL_TMPL (`bk-cmdb`, `bk-job`, ...). */
    readonly gateway: string;
    readonly method: HttpMethod;
    /** Resource path under the stage, with `{param}` placeholders filled from `UpstreamRequest.path`. */
    readonly path: string;
  };
  readonly esb: {
    /** ESB system (`cc`, `jobv3`, `gse`, `itsm`, `bk_login`, `bk_paas`). */
    readonly system: string;
    readonly name: string;
    readonly method: HttpMethod;
  };
  /** Reads are retried on network errors, 5xx and 429; writes never are. */
  readonly idempotent: boolean;
  /**
   * Set when BlueKing serves this API on one transport only: it is called there whatever the
   * system's configured transport (bk-login's access-token lookup exists on ESB alone).
   */
  readonly onlyOn?: Transport;
  /**
   * An app-mode resource (JOB's `/api/v3/system/<name>`): on APIGW a `bk_username` credential is
   * also sent as `X-Bk-Username`, where job-gateway takes the operator from (CONTRACTS.md §1.2).
   * ESB has no such header; there the `bk_username` common argument names the operator.
   */
  readonly operatorHeader?: boolean;
  /**
   * `bk`: `{result, code, message, data}` (a body without `result` is success, e.g. bk-login APIGW);
   * `bare`: the body itself is the data (bkpaas3 returns a bare array).
   */
  readonly envelope: 'bk' | 'bare';
  /** Long-polling APIs (CMDB resource_watch) need a longer per-attempt timeout. */
  readonly timeoutMs?: number;
}

export interface UpstreamRequest {
  /** Path parameters: in the URL on APIGW, in the body (POST) or query (GET) on ESB. */
  readonly path?: Readonly<Record<string, string | number>>;
  /** Query string (GET). */
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** JSON body (POST). */
  readonly body?: Readonly<Record<string, unknown>>;
}

/** Per-call facts carried from the GraphQL request down to the wire. */
export interface CallContext {
  readonly credentials: Credentials;
  readonly tenantId?: string | null;
  /** Propagated as X-Request-Id. */
  readonly requestId: string;
  /** Epoch ms after which no attempt (or retry) may start and every attempt is cut off. */
  readonly deadline?: number;
  readonly signal?: AbortSignal;
}

/** An answer with what BlueKing said about it besides its data. */
export interface UpstreamAnswer<T> {
  data: T;
  /**
   * The id BlueKing gave the answer, for the audit log: JOB's `job_request_id`, else ESB's
   * `request_id`, else the gateway's `X-Bkapi-Request-ID`; null when it gave none.
   */
  requestId: string | null;
}

/** What a system module gets: one call per API, returning the envelope's `data` (or bare body). */
export interface UpstreamCaller {
  call<T = unknown>(spec: ApiSpec, req: UpstreamRequest, ctx: CallContext): Promise<T>;
  /** The same call, answering the request id of the answer too (writes record it in the audit log). */
  callWithMeta<T = unknown>(
    spec: ApiSpec,
    req: UpstreamRequest,
    ctx: CallContext,
  ): Promise<UpstreamAnswer<T>>;
}
