import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { loadConfig, pointAtSandbox } from '../../src/config';
import { createEventBus, type EventBus, type EventPayload } from '../../src/events';
import { registerItsmCallbackRoute } from '../../src/routes/itsm-callback';
import type { Actor } from '../../src/services/actor';
import {
  createApprovalService,
  createSecretBox,
  startApprovalWorker,
  type ApprovalService,
  type ApprovalWorker,
  type ApprovalWorkerOptions,
} from '../../src/services/approvals';
import { createJobService, type JobService } from '../../src/services/jobs';
import {
  createItsmCallbackHandler,
  createTicketService,
  startItsmReconciler,
  type ItsmCallbackHandler,
  type ItsmCallbackHandlerOptions,
  type ItsmReconciler,
  type ItsmReconcilerOptions,
  type ItsmServiceAccount,
  type TicketService,
} from '../../src/services/tickets';
import type { Store, StoreKind } from '../../src/store';
import { createClients, type Clients } from '../../src/upstream/clients';
import { createUpstreamCaller, type UpstreamHttpCaller } from '../../src/upstream/http/caller';
import type { TestSandbox } from '../helpers/sandbox';
import { DATABASE_URL, dropAndClose, openTestStore } from '../store/fixture';

/**
 * One bk-graph "process" for the ticket and approval tests: its own store connection, event bus,
 * upstream caller and services over the real sandbox, and a real Fastify on 127.0.0.1:0 with the
 * ITSM callback route, which PUBLIC_URL points at. Two worlds on one schema are two replicas.
 */

export const ITSM = '/api/bk-itsm/prod/v2/itsm';
/** The sandbox's job approval service (src/sandbox/data/itsm-services.ts). */
export const APPROVAL_SERVICE = '17';
export const SERVICE_ACCOUNT: ItsmServiceAccount = {
  username: 'admin',
  credentials: { kind: 'access_token', accessToken: 'at-admin' },
};

export const silentLogger = pino({ level: 'silent' });
/** The store key of every world (worlds sharing a schema must share it, as replicas do). */
export const TEST_SECRETS = createSecretBox(Buffer.alloc(32, 7));

let seq = 0;
/** A sandbox user calling bk-graph with their bk_token. */
export function actorOf(username: 'admin' | 'alice' | 'bob', deadlineMs = 20_000): Actor {
  seq += 1;
  return {
    username,
    tenantId: 'default',
    credentials: { kind: 'bk_token', bkToken: `token-${username}` },
    requestId: `test-${username}-${seq}`,
    deadline: Date.now() + deadlineMs,
    mode: 'user',
  };
}

export interface WorldOptions {
  kind: StoreKind;
  schema: string;
  /** Drop the schema when this world closes (the last world on a schema should). */
  owner?: boolean;
  upstreamTimeoutMs?: number;
  callback?: Partial<ItsmCallbackHandlerOptions>;
  worker?: Partial<ApprovalWorkerOptions> | false;
  /** Launch bound of the worker's system actor. */
  launchDeadlineMs?: number;
  /** The launcher's age of an abandoned pending key. */
  pendingStaleMs?: number;
}

export interface World {
  name: string;
  store: Store;
  events: EventBus;
  clients: Clients;
  publicUrl: string;
  tickets: TicketService;
  approvals: ApprovalService;
  jobs: JobService;
  handler: ItsmCallbackHandler;
  worker: ApprovalWorker | null;
  startWorker(options?: Partial<ApprovalWorkerOptions>): ApprovalWorker;
  reconciler(options?: Partial<ItsmReconcilerOptions>): ItsmReconciler;
  /** POSTs a raw callback body to this world's route. */
  postCallback(body: string, contentType?: string): Promise<{ status: number; json: unknown }>;
  /** Every event of `topic` from now on, collected. */
  collect(topic: string): EventPayload[];
  close(): Promise<void>;
}

export async function startWorld(sandbox: TestSandbox, options: WorldOptions): Promise<World> {
  const name = `world-${randomUUID().slice(0, 6)}`;
  const store = await openStore(options);
  const events = await createEventBus({
    redisUrl: null,
    store,
    databaseUrl: options.kind === 'postgres' ? DATABASE_URL : null,
  });
  const config = pointAtSandbox(
    loadConfig({
      BK_SANDBOX: '1',
      BK_UPSTREAM_TIMEOUT_MS: String(options.upstreamTimeoutMs ?? 5000),
    }),
    sandbox.url,
  );
  const caller: UpstreamHttpCaller = createUpstreamCaller({
    config: config.upstream,
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
  });
  const clients = createClients(caller, config);

  // A callback still being answered when a test closes its world must not hold the close up: the
  // sandbox's client keeps that connection alive after the answer.
  const app: FastifyInstance = Fastify({ forceCloseConnections: true });
  let handler: ItsmCallbackHandler | null = null;
  registerItsmCallbackRoute(app, (request) => {
    if (!handler) throw new Error('handler not ready');
    return handler(request);
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const publicUrl = address.replace('localhost', '127.0.0.1');

  const admins = ['admin'];
  const tickets = createTicketService({
    store,
    clients,
    events,
    publicUrl,
    serviceAccount: SERVICE_ACCOUNT,
    admins,
    logger: silentLogger,
  });
  handler = createItsmCallbackHandler({
    store,
    clients,
    events,
    logger: silentLogger,
    serviceAccount: SERVICE_ACCOUNT,
    sync: tickets.sync,
    ...options.callback,
  });
  const jobs = createJobService({
    store,
    clients,
    events,
    publicUrl,
    logger: silentLogger,
    firstPollMs: 60_000,
    ...(options.pendingStaleMs !== undefined ? { pendingStaleMs: options.pendingStaleMs } : {}),
  });
  const approvals = createApprovalService({
    store,
    clients,
    events,
    tickets,
    admins,
    defaultServiceId: APPROVAL_SERVICE,
    logger: silentLogger,
    secrets: TEST_SECRETS,
  });

  const workers: ApprovalWorker[] = [];
  const reconcilers: ItsmReconciler[] = [];
  const aborts: AbortController[] = [];
  const startWorker = (o: Partial<ApprovalWorkerOptions> = {}) => {
    const w = startApprovalWorker({
      store,
      events,
      launcher: jobs,
      logger: silentLogger,
      holder: `${name}-worker-${workers.length}`,
      sweepIntervalMs: 300,
      launchDeadlineMs: options.launchDeadlineMs ?? 10_000,
      claimStaleMs: 30_000,
      secrets: TEST_SECRETS,
      ...o,
    });
    workers.push(w);
    return w;
  };
  const worker = options.worker === false ? null : startWorker(options.worker ?? {});

  return {
    name,
    store,
    events,
    clients,
    publicUrl,
    tickets,
    approvals,
    jobs,
    handler,
    worker,
    startWorker,
    reconciler(o = {}) {
      const r = startItsmReconciler({
        store,
        clients,
        events,
        logger: silentLogger,
        serviceAccount: SERVICE_ACCOUNT,
        holder: `${name}-reconciler-${reconcilers.length}`,
        intervalMs: 600_000,
        sync: tickets.sync,
        ...o,
      });
      reconcilers.push(r);
      return r;
    },
    async postCallback(body, contentType = 'application/json') {
      const res = await fetch(`${publicUrl}/callbacks/itsm`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      });
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: res.status, json };
    },
    collect(topic) {
      const seen: EventPayload[] = [];
      const abort = new AbortController();
      aborts.push(abort);
      void (async () => {
        for await (const event of events.subscribe(topic, abort.signal)) seen.push(event);
      })().catch(() => undefined);
      return seen;
    },
    async close() {
      aborts.forEach((a) => a.abort());
      await Promise.all([...workers, ...reconcilers].map((w) => w.stop()));
      await app.close();
      await events.close();
      await caller.close();
      if (options.owner ?? true) await dropAndClose(store).catch(() => store.close());
      else await store.close();
    },
  };
}

/**
 * Opens the world's store. Kysely's migrator introspects the tables of every schema in the
 * database, so a schema another test file drops at that moment fails the migration with
 * "schema … does not exist"; that race is the other file's, and a retry passes it.
 */
async function openStore(options: WorldOptions): Promise<Store> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openTestStore(options.kind, options.schema);
    } catch (error) {
      if (attempt >= 3 || !/does not exist/.test((error as Error).message)) throw error;
    }
  }
}

/** Polls `read` until `done` holds (or fails after `ms`, saying what it last saw). */
export async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 8000): Promise<T> {
  const until = Date.now() + ms;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > until)
      throw new Error(`condition not met within ${ms} ms; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
    last = await read();
  }
  return last;
}

/** A sandbox control call (`/_sandbox/<path>`). */
export async function control(sandbox: TestSandbox, method: 'GET' | 'POST', path: string, body?: unknown) {
  const res = await fetch(`${sandbox.url}/_sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests poke at the sandbox's JSON
  return { status: res.status, json: (await res.json()) as any };
}

export const approve = (sandbox: TestSandbox, sn: string) =>
  control(sandbox, 'POST', `/itsm/tickets/${sn}/approve`, {});
export const reject = (sandbox: TestSandbox, sn: string) =>
  control(sandbox, 'POST', `/itsm/tickets/${sn}/reject`, {});
export const executions = async (sandbox: TestSandbox): Promise<number> =>
  (await control(sandbox, 'GET', '/job/executions')).json.execute_job_plan as number;
export const calls = async (sandbox: TestSandbox, api: string): Promise<number> =>
  (await sandbox.stats()).calls[api] ?? 0;
