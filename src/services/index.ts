import type { EventBus } from '../events';
import type { RequestLogger } from '../logger';
import type { Store } from '../store';
import type { Clients } from '../upstream/clients';
import { createAuditLog, type AuditLog } from './audit';
import { createJobService, startJobPoller, type JobPoller, type JobService } from './jobs';

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
  /** Stops the background loops (they finish their current round). */
  stop(): Promise<void>;
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
}

export function createServices({
  store,
  events,
  clients,
  publicUrl,
  logger,
  holder,
}: ServicesDeps): Services {
  const audit = createAuditLog({ store, logger });
  const jobs = createJobService({ store, clients, events, publicUrl, logger, audit });
  const jobPoller = startJobPoller({ store, clients, events, logger, holder });
  return {
    store,
    events,
    audit,
    jobs,
    jobPoller,
    async stop() {
      await jobPoller.stop();
    },
  };
}
