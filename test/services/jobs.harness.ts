import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { loadConfig, pointAtSandbox } from '../../src/config';
import { createPgEventBus, createPgliteEventBus, pgChannelName } from '../../src/events';
import type { EventBus, EventPayload } from '../../src/events';
import type { RequestLogger } from '../../src/logger';
import { registerJobCallbackRoute } from '../../src/routes/job-callback';
import type { Actor } from '../../src/services/actor';
import { createAuditLog } from '../../src/services/audit';
import type { AuditLog } from '../../src/services/audit';
import { createJobCallbackHandler, createJobService, startJobPoller } from '../../src/services/jobs';
import type {
  JobCallbackHandler,
  JobPoller,
  JobService,
  JobServiceDeps,
  PollEvent,
  PollIntervals,
} from '../../src/services/jobs';
import { StoreMigrationError } from '../../src/store';
import type { Store, StoreKind } from '../../src/store';
import { createClients } from '../../src/upstream/clients';
import type { Clients } from '../../src/upstream/clients';
import { createUpstreamCaller } from '../../src/upstream/http/caller';
import type { UpstreamHttpCaller } from '../../src/upstream/http/caller';
import type { TestSandbox } from '../helpers/sandbox';
import { DATABASE_URL, dropAndClose, openTestStore } from '../store/fixture';

/**
 * One bk-graph "process" for the jobs tests, all real: a store (Postgres in its own schema, or
 * PGlite), its event bus, an HTTP caller pointed at the sandbox, a Fastify with the callback route
 * on 127.0.0.1 (the PUBLIC_URL the sandbox calls back), the job service and, if asked, a poller.
 * Two harnesses on one schema are two processes sharing one Postgres.
 */

export interface LogLine {
  level: string;
  obj: object;
  msg: string;
}

/** A logger that keeps every line, so tests can check what was (and was not) logged. */
export function captureLogger(): { logger: RequestLogger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: string) =>
    (obj: object, msg = '') =>
      void lines.push({ level, obj, msg });
  const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger: logger as unknown as RequestLogger, lines };
}

export interface Published {
  topic: string;
  payload: EventPayload;
}

export interface JobsHarness {
  sandbox: TestSandbox;
  store: Store;
  events: EventBus;
  /** Every event this process published, in order (the bus itself is real). */
  published: Published[];
  clients: Clients;
  caller: UpstreamHttpCaller;
  publicUrl: string;
  app: FastifyInstance;
  handler: JobCallbackHandler;
  service: JobService;
  audit: AuditLog;
  poller: JobPoller | null;
  polls: PollEvent[];
  lines: LogLine[];
  close(options?: { drop?: boolean }): Promise<void>;
}

export interface HarnessOptions {
  kind: StoreKind;
  schema: string;
  sandbox: TestSandbox;
  /** Start a poller with these intervals (false: no poller). */
  poller?: Partial<PollIntervals> | false;
  holder?: string;
  service?: Partial<Pick<JobServiceDeps, 'pendingStaleMs' | 'firstPollMs' | 'maxTargetHosts'>>;
}

export async function startJobsHarness(o: HarnessOptions): Promise<JobsHarness> {
  const { logger, lines } = captureLogger();
  const store = await openStoreRetrying(o.kind, o.schema);
  const channel = pgChannelName(store.schema);
  const bus =
    store.kind === 'pglite'
      ? await createPgliteEventBus({ store, channel })
      : await createPgEventBus({ databaseUrl: DATABASE_URL, store, channel });
  const published: Published[] = [];
  const events: EventBus = {
    kind: bus.kind,
    publish: async (topic, payload) => {
      published.push({ topic, payload });
      await bus.publish(topic, payload);
    },
    subscribe: (topic, signal) => bus.subscribe(topic, signal),
    close: () => bus.close(),
  };

  const config = pointAtSandbox(loadConfig({ BK_SANDBOX: '1', BK_TRANSPORT: 'apigw' }), o.sandbox.url);
  const caller = createUpstreamCaller({
    config: config.upstream,
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
  });
  const clients = createClients(caller, config);

  const polls: PollEvent[] = [];
  const poller =
    o.poller === false || o.poller === undefined
      ? null
      : startJobPoller({
          store,
          clients,
          events,
          logger,
          holder: o.holder ?? 'test',
          intervals: o.poller,
          onPoll: (e) => polls.push(e),
        });
  const handler = createJobCallbackHandler({ store, events, logger, ...(poller ? { poller } : {}) });
  const app = Fastify();
  registerJobCallbackRoute(app, handler);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const publicUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const audit = createAuditLog({ store, logger });
  const service = createJobService({ store, clients, events, publicUrl, logger, audit, ...o.service });

  return {
    sandbox: o.sandbox,
    store,
    events,
    published,
    clients,
    caller,
    publicUrl,
    app,
    handler,
    service,
    audit,
    poller,
    polls,
    lines,
    async close({ drop = true } = {}) {
      await poller?.stop();
      await app.close();
      await caller.close();
      await bus.close();
      if (drop) await dropAndClose(store);
      else await store.close();
    },
  };
}

/**
 * Opens the store, once more if its migration lost a race with a DROP SCHEMA elsewhere in the
 * database: Kysely's migrator introspects every schema of the database, and other test files
 * (and other suites sharing the server) drop theirs as they end. A store-side issue, worked around
 * here so these tests do not fail for it.
 */
export async function openStoreRetrying(kind: StoreKind, schema: string): Promise<Store> {
  try {
    return await openTestStore(kind, schema, { poolMax: 20 });
  } catch (error) {
    if (!(error instanceof StoreMigrationError) || !/schema .* does not exist/.test(error.message))
      throw error;
    return openTestStore(kind, schema, { poolMax: 20 });
  }
}

let seq = 0;

/** A GraphQL caller as the resolvers would build the actor: their own bk_token. */
export function userActor(name: 'admin' | 'alice' | 'bob' = 'admin', deadlineMs = 15_000): Actor {
  seq += 1;
  return {
    username: name,
    tenantId: null,
    credentials: { kind: 'bk_token', bkToken: `token-${name}` },
    requestId: `jobs-test-${seq}`,
    deadline: Date.now() + deadlineMs,
    mode: 'user',
  };
}

/** Waits until `check` answers something truthy, or fails after `ms`. */
export async function eventually<T>(
  check: () => Promise<T | null | undefined | false>,
  ms = 8000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the sandbox's own JSON records
export type Json = any;

/** `/_sandbox/*` over HTTP. */
export async function sandboxControl(
  url: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<Json> {
  const res = await fetch(`${url}/_sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}

/** A business's first plan and its host variable, and hosts with live agents to run it on. */
export async function planFixture(
  clients: Clients,
  bizId: string,
): Promise<{ planId: string; hostVarId: string | null; stepCount: number }> {
  const ctx = { credentials: { kind: 'bk_token' as const, bkToken: 'token-admin' }, requestId: 'fixture' };
  const plans = await clients.job.planList({ bizId, start: 0, limit: 50 }, ctx);
  for (const plan of plans.items) {
    const detail = await clients.job.planDetail({ bizId, planId: plan.id }, ctx);
    const hostVar = detail.variables.find((v) => v.type === 'HOST_LIST');
    // Several steps and no manual step: a run with changes to see, that needs no one.
    if (hostVar && detail.steps.length >= 2)
      return { planId: plan.id, hostVarId: hostVar.id, stepCount: detail.steps.length };
  }
  throw new Error(`business ${bizId} has no plan with a host variable and two steps`);
}
