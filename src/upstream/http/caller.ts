import { request } from 'undici';
import type { Dispatcher } from 'undici';
import type { UpstreamConfig } from '../../config';
import type { System, Transport } from '../limits';
import { UpstreamError, isUpstreamError } from '../../errors';
import type { UpstreamErrorKind } from '../../errors';
import type { ApiSpec, CallContext, UpstreamAnswer, UpstreamCaller, UpstreamRequest } from '../types';
import { SystemBreakers } from './breaker';
import type { BreakerOptions, BreakerState } from './breaker';
import { attemptSignal, isExpired, sleep as abortableSleep } from './deadline';
import { resolveDispatchers } from './dispatchers';
import type { DispatcherInput } from './dispatchers';
import { answerRequestId, interpretResponse } from './envelope';
import { readCappedBody } from './read-body';
import { defaultRetryOptions, withRetry } from './retry';
import type { RetryOptions } from './retry';
import { Semaphore } from './semaphore';
import { deadlineError, markNeverSent, transportError } from './transport-error';
import { buildWireRequest } from './urls';
import type { WireRequest } from './urls';

/** The subset of pino's Logger the caller uses. */
export interface UpstreamLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** One attempt (or a fast failure of an open circuit), for metrics. */
export interface UpstreamCallEvent {
  system: System;
  api: string;
  transport: Transport;
  /** HTTP status, when a response arrived. */
  status?: number;
  durationMs: number;
  /** 1 for the first attempt. */
  attempt: number;
  /** `error` = a bug in bk-graph rather than an upstream failure. */
  outcome: 'ok' | UpstreamErrorKind | 'error';
}

export interface UpstreamCallerOptions {
  config: UpstreamConfig;
  /** One dispatcher for every system, or some per system; the others get a keep-alive Agent. */
  dispatcher?: DispatcherInput;
  logger?: UpstreamLogger;
  breaker?: BreakerOptions;
  retry?: Partial<RetryOptions>;
  /**
   * Requests one system may have in flight; more wait (bounded by their deadline).
   * @default 16
   */
  maxInFlightPerSystem?: number;
  /**
   * Keep-alive connections per origin of the default Agents.
   * @default 16
   */
  connectionsPerOrigin?: number;
  /**
   * Largest response body read; a larger one fails as `malformed`.
   * @default 50 MiB
   */
  maxBodyBytes?: number;
  /** @default Date.now */
  now?: () => number;
  /** Waits between retries. @default an abortable setTimeout */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onCall?: (event: UpstreamCallEvent) => void;
}

export interface UpstreamHttpCaller extends UpstreamCaller {
  /** Circuit state per system, for /readyz and metrics. */
  health(): Record<System, BreakerState>;
  /** Closes the dispatchers this caller created (not injected ones). */
  close(): Promise<void>;
}

/**
 * The one way bk-graph talks to BlueKing: builds the request for the system's transport, bounds it
 * (in-flight limit, per-attempt timeouts, request deadline), retries reads, breaks the circuit of a
 * failing system and maps every answer to data or an UpstreamError.
 */
export function createUpstreamCaller({
  config,
  dispatcher,
  logger,
  breaker,
  retry,
  maxInFlightPerSystem = 16,
  connectionsPerOrigin = 16,
  maxBodyBytes = 50 * 1024 * 1024,
  now = Date.now,
  sleep = abortableSleep,
  onCall,
}: UpstreamCallerOptions): UpstreamHttpCaller {
  const { bySystem, owned } = resolveDispatchers(dispatcher, {
    timeoutMs: config.timeoutMs,
    connections: connectionsPerOrigin,
  });
  const breakers = new SystemBreakers(breaker);
  const retryOptions: RetryOptions = { ...defaultRetryOptions, ...retry };
  const semaphores = new Map<System, Semaphore>();
  const semaphoreOf = (system: System) => {
    let s = semaphores.get(system);
    if (!s) semaphores.set(system, (s = new Semaphore(maxInFlightPerSystem)));
    return s;
  };

  function report(event: UpstreamCallEvent, ctx: CallContext, err?: unknown) {
    const fields = {
      system: event.system,
      api: event.api,
      transport: event.transport,
      status: event.status,
      durationMs: Math.round(event.durationMs),
      attempt: event.attempt,
      requestId: ctx.requestId,
      ...(isUpstreamError(err)
        ? { kind: err.kind, upstreamCode: err.upstream.code, upstreamRequestId: err.upstream.requestId }
        : {}),
    };
    if (event.outcome === 'ok') logger?.debug(fields, 'upstream call');
    else logger?.warn(fields, 'upstream call failed');
    onCall?.(event);
  }

  /** `meta`, when given, receives the answer's request id (callWithMeta). */
  async function exchange(
    spec: ApiSpec,
    wire: WireRequest,
    ctx: CallContext,
    attempt: number,
    meta?: { requestId: string | null },
  ) {
    const signal = attemptSignal(ctx, now);
    const timeoutMs = spec.timeoutMs ?? config.timeoutMs;
    const event = { system: spec.system, api: spec.api, transport: wire.transport, attempt };
    let started = performance.now();
    let status: number | undefined;
    // Until undici has the request, a failure (the deadline passing in the queue) sent nothing.
    let issued = false;
    try {
      return await semaphoreOf(spec.system).run(async () => {
        started = performance.now();
        issued = true;
        const res = await request(wire.url, {
          dispatcher: bySystem[spec.system] as Dispatcher,
          method: wire.method,
          headers: wire.headers,
          ...(wire.body !== undefined ? { body: wire.body } : {}),
          ...(signal ? { signal } : {}),
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        status = res.statusCode;
        const text = await readCappedBody(
          res.body,
          maxBodyBytes,
          spec,
          status,
          res.headers['content-length'],
        );
        const data = interpretResponse(spec, { status, headers: res.headers, text }, now);
        if (meta) meta.requestId = answerRequestId({ status, headers: res.headers, text });
        report({ ...event, status, durationMs: performance.now() - started, outcome: 'ok' }, ctx);
        return data;
      }, signal);
    } catch (e) {
      const err = isUpstreamError(e) ? e : transportError(e, spec, signal, status);
      if (!issued) markNeverSent(err);
      const outcome = isUpstreamError(err) ? err.kind : 'error';
      report({ ...event, status, durationMs: performance.now() - started, outcome }, ctx, err);
      throw err;
    }
  }

  function attemptOnce(
    spec: ApiSpec,
    wire: WireRequest,
    ctx: CallContext,
    attempt: number,
    meta?: { requestId: string | null },
  ) {
    if (isExpired(ctx, now))
      return Promise.reject(markNeverSent(deadlineError(spec, ctx.signal?.aborted === true)));
    return exchange(spec, wire, ctx, attempt, meta);
  }

  /** The error a call gets while its system's circuit is open: it fails fast, nothing is sent. */
  function unavailable(spec: ApiSpec, wire: WireRequest, ctx: CallContext): UpstreamError {
    const err = new UpstreamError(
      'unavailable',
      `${spec.system}.${spec.api} is unavailable: ${spec.system} is failing, retry later`,
      { system: spec.system, api: spec.api },
    );
    const event = { system: spec.system, api: spec.api, transport: wire.transport, attempt: 1 };
    report({ ...event, durationMs: 0, outcome: 'unavailable' }, ctx, err);
    return err;
  }

  function run(spec: ApiSpec, req: UpstreamRequest, ctx: CallContext, meta?: { requestId: string | null }) {
    const wire = buildWireRequest(config, spec, req, ctx);
    // The breaker sees the call once, with its retries inside: a read counts as failed only when
    // every attempt failed, so transient errors that retries absorb never open a circuit.
    return breakers.run(
      spec.system,
      () =>
        withRetry((n) => attemptOnce(spec, wire, ctx, n, meta), {
          idempotent: spec.idempotent,
          ctx,
          options: retryOptions,
          now,
          sleep,
        }),
      () => unavailable(spec, wire, ctx),
    );
  }

  return {
    async call<T = unknown>(spec: ApiSpec, req: UpstreamRequest, ctx: CallContext): Promise<T> {
      return (await run(spec, req, ctx)) as T;
    },
    async callWithMeta<T = unknown>(
      spec: ApiSpec,
      req: UpstreamRequest,
      ctx: CallContext,
    ): Promise<UpstreamAnswer<T>> {
      const meta = { requestId: null as string | null };
      const data = (await run(spec, req, ctx, meta)) as T;
      return { data, requestId: meta.requestId };
    },
    health: () => breakers.health(),
    async close() {
      await Promise.all(owned.map((agent) => agent.close()));
    },
  };
}
