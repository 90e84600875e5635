import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Cache } from '../cache';
import type { UpstreamCallEvent } from '../upstream/http/caller';
import type { BreakerState } from '../upstream/http/breaker';
import type { System } from '../upstream/limits';

/** What the metrics read from the rest of the process when scraped. */
export interface MetricsSources {
  breakers: () => Record<System, BreakerState>;
  cache: Cache | null;
}

export interface Metrics {
  readonly registry: Registry;
  /** For the upstream caller's `onCall`: one observation per attempt. */
  onUpstreamCall(event: UpstreamCallEvent): void;
  /** For the GraphQL executor: an operation was compiled (repeats of it run compiled). */
  onOperationCompiled(): void;
}

const CIRCUIT_VALUE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

/**
 * Prometheus metrics (prom-client) of one process: HTTP requests by route and status, upstream
 * calls by system, API and outcome with their latency, each system's circuit, the cache's
 * counters, and Node's own process metrics. Labels hold route templates and API names only, never
 * ids, users or URLs, so their number stays bounded.
 */
export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'bk_graph_' });
  const upstreamCalls = new Counter({
    name: 'bk_graph_upstream_calls_total',
    help: 'Upstream call attempts by system, API, transport and outcome (ok or the failure kind).',
    labelNames: ['system', 'api', 'transport', 'outcome'] as const,
    registers: [registry],
  });
  const upstreamSeconds = new Histogram({
    name: 'bk_graph_upstream_call_duration_seconds',
    help: 'Duration of upstream call attempts.',
    labelNames: ['system', 'api'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: 'bk_graph_circuit_state',
    help: "Each system's circuit: 0 closed, 1 half-open, 2 open (failing fast).",
    labelNames: ['system'] as const,
    registers: [registry],
    collect() {
      for (const [system, state] of Object.entries(sources.breakers()))
        this.set({ system }, CIRCUIT_VALUE[state]);
    },
  });
  new Gauge({
    name: 'bk_graph_cache_events',
    help: 'Cache counters since start: hits, misses, loads, joined (shared in-flight loads), invalidations, store errors.',
    labelNames: ['event'] as const,
    registers: [registry],
    collect() {
      const stats = sources.cache?.stats();
      if (!stats) return;
      for (const [event, value] of Object.entries(stats)) this.set({ event }, value);
    },
  });
  const compiled = new Counter({
    name: 'bk_graph_operations_compiled_total',
    help: 'GraphQL operations compiled by graphql-jit; repeats of a query text run compiled.',
    registers: [registry],
  });
  return {
    registry,
    onOperationCompiled: () => compiled.inc(),
    onUpstreamCall(e) {
      upstreamCalls.inc({ system: e.system, api: e.api, transport: e.transport, outcome: e.outcome });
      upstreamSeconds.observe({ system: e.system, api: e.api }, e.durationMs / 1000);
    },
  };
}

/** `GET /metrics` in Prometheus text format, plus a counter and histogram of every HTTP request. */
export function registerMetricsRoute(app: FastifyInstance, metrics: Metrics): void {
  const requests = new Counter({
    name: 'bk_graph_http_requests_total',
    help: 'HTTP requests by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [metrics.registry],
  });
  const seconds = new Histogram({
    name: 'bk_graph_http_request_duration_seconds',
    help: 'Duration of HTTP requests by route template.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [metrics.registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    // The route template, not the URL: ids and query strings never become label values.
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    seconds.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', async (_request, reply) =>
    reply
      .header('content-type', metrics.registry.contentType)
      .header('cache-control', 'no-store')
      .send(await metrics.registry.metrics()),
  );
}
