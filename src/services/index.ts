import type { EventBus } from '../events';
import type { RequestLogger } from '../logger';
import type { Store } from '../store';
import type { Clients } from '../upstream/clients';
import type { Credentials } from '../upstream/credentials';
import {
  createApprovalService,
  createSecretBox,
  startApprovalWorker,
  type ApprovalService,
  type ApprovalWorker,
} from './approvals';
import { createAuditLog, type AuditLog } from './audit';
import { createJobService, startJobPoller, type JobPoller, type JobService } from './jobs';
import {
  createItsmCallbackHandler,
  createTicketService,
  startItsmReconciler,
  type ItsmCallbackHandler,
  type ItsmReconciler,
  type TicketService,
} from './tickets';

export type { Actor } from './actor';
export { systemActor } from './actor';

/**
 * The write side of bk-graph, one instance per process: what mutations, callback routes and
 * subscriptions call. Built once by the server (src/server.ts) over the store, the event bus and
 * the upstream clients; `stop()` ends the background loops before the store closes.
 */
export interface Services {
  readonly store: Store;
  readonly events: EventBus;
  readonly audit: AuditLog;
  readonly jobs: JobService;
  readonly jobPoller: JobPoller;
  readonly tickets: TicketService;
  readonly approvals: ApprovalService;
  /** `POST /callbacks/itsm`'s handler. */
  readonly itsmCallback: ItsmCallbackHandler;
  /** Stops the background loops (they finish their current round). */
  stop(): Promise<void>;
}

export interface ServicesConfig {
  /** Users who see and may act on every ticket and approval bk-graph created. */
  admins: readonly string[];
  /** The ITSM service approval tickets are filed under when a request names none. */
  approvalServiceId: string | null;
  /** bk-graph's own identity in ITSM for the callback route and the reconcile loop. */
  serviceAccount: { username: string; credentials?: Credentials };
  /** Time between reconcile rounds (RECONCILE_INTERVAL_S). */
  reconcileIntervalMs: number;
  /** The key of the secrets kept encrypted in the store (Config.storeKey). */
  storeKey: Buffer;
}

export interface ServicesDeps {
  store: Store;
  events: EventBus;
  clients: Clients;
  /** How BlueKing reaches bk-graph (PUBLIC_URL), read when a callback URL is made. */
  publicUrl: () => string;
  logger: RequestLogger;
  /** Names this process in leases and claims (host and pid). */
  holder: string;
  config: ServicesConfig;
}

export function createServices({
  store,
  events,
  clients,
  publicUrl,
  logger,
  holder,
  config,
}: ServicesDeps): Services {
  const audit = createAuditLog({ store, logger });
  const jobs = createJobService({
    store,
    clients,
    events,
    publicUrl,
    logger,
    audit,
    storeKey: config.storeKey,
  });
  const jobPoller = startJobPoller({ store, clients, events, logger, holder });
  const { serviceAccount, admins } = config;
  const secrets = createSecretBox(config.storeKey);
  const tickets = createTicketService({
    store,
    clients,
    events,
    publicUrl,
    serviceAccount,
    admins,
    audit,
    logger,
  });
  const approvals = createApprovalService({
    store,
    clients,
    events,
    tickets,
    defaultServiceId: config.approvalServiceId,
    admins,
    audit,
    logger,
    secrets,
  });
  const itsmCallback = createItsmCallbackHandler({
    store,
    clients,
    events,
    logger,
    serviceAccount,
    sync: tickets.sync,
  });
  const reconciler: ItsmReconciler = startItsmReconciler({
    store,
    clients,
    events,
    logger,
    serviceAccount,
    holder,
    intervalMs: config.reconcileIntervalMs,
    sync: tickets.sync,
  });
  const worker: ApprovalWorker = startApprovalWorker({
    store,
    events,
    launcher: jobs,
    logger,
    holder,
    secrets,
  });
  return {
    store,
    events,
    audit,
    jobs,
    jobPoller,
    tickets,
    approvals,
    itsmCallback,
    async stop() {
      await worker.stop();
      await reconciler.stop();
      await jobPoller.stop();
    },
  };
}
