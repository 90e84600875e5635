import type { EventBus } from '../../events';
import type { Store } from '../../store';
import type { Clients } from '../../upstream/clients';
import { chunk } from '../../upstream/mapping';
import { errorName } from './error-name';
import type { ServiceLogger } from './logger';
import { appContext, type ItsmServiceAccount } from './service-account';
import { createTicketSync, type TicketSync } from './ticket-sync';

export interface ItsmReconcilerOptions {
  store: Store;
  clients: Pick<Clients, 'itsm'>;
  events: EventBus;
  logger: ServiceLogger;
  serviceAccount: ItsmServiceAccount;
  /** This replica, as the lease's holder (e.g. hostname + pid). */
  holder: string;
  /**
   * `RECONCILE_INTERVAL_S` × 1000: time between rounds; the first runs at start-up.
   * @default 60000
   */
  intervalMs?: number;
  /** The ticket service's. @default a new one */
  sync?: TicketSync;
  /**
   * Sns per ticket_approval_result call.
   * @default 100
   */
  batchSize?: number;
  /**
   * Open tickets looked at per round (least recently changed first).
   * @default 5000
   */
  maxOpenPerRound?: number;
}

export interface ReconcileReport {
  /** Another replica holds the lease: this one did nothing. */
  skipped: boolean;
  /** Sns asked about (ours only). */
  asked: number;
  /** Tickets whose stored state changed. */
  changed: number;
  /** Of ITSM's failed-callback list, the sns that are ours (the rest are left alone). */
  failedCallbacks: number;
  /** Batches that failed (retried next round). */
  failedBatches: number;
}

export interface ItsmReconciler {
  /** Ends the loop, waits for a round in progress and gives the lease up. */
  stop(): Promise<void>;
  /** One round now (the loop's own rounds call this too); rounds never overlap. */
  runOnce(): Promise<ReconcileReport>;
}

const LEASE = 'itsm-reconcile';

/**
 * Repairs whatever lost or refused callbacks missed: every round, our open tickets plus ITSM's
 * `callback_failed_ticket` ∩ ours go to ticket_approval_result in batches, and each answer is
 * applied as a callback would be. One replica at a time (a lease in the store that its holder
 * renews each round, and another takes over when it lapses). Other apps' sns never reach
 * ticket_approval_result: it acknowledges the failed callbacks it is asked about (§7.6), which
 * would hide their failures from their own reconcilers.
 */
export function startItsmReconciler(options: ItsmReconcilerOptions): ItsmReconciler {
  const { store, clients, events, logger, serviceAccount, holder } = options;
  const { intervalMs = 60_000, batchSize = 100, maxOpenPerRound = 5000 } = options;
  const sync =
    options.sync ?? createTicketSync({ store, itsm: clients.itsm, events, logger, serviceAccount });
  // Longer than one interval, so the holder keeps it from round to round; a dead holder's lapses.
  const leaseMs = Math.max(Math.round(intervalMs * 1.5), 5000);

  let stopped = false;
  let running: Promise<ReconcileReport> | null = null;
  let timer: NodeJS.Timeout | undefined;

  async function round(): Promise<ReconcileReport> {
    const report: ReconcileReport = {
      skipped: false,
      asked: 0,
      changed: 0,
      failedCallbacks: 0,
      failedBatches: 0,
    };
    if (!(await store.leases.acquire(LEASE, holder, leaseMs))) return { ...report, skipped: true };

    const open = await store.tickets.nonTerminalSns(maxOpenPerRound);
    let failed: string[] = [];
    try {
      failed = await store.tickets.filterOurs(
        await clients.itsm.failedCallbacks(appContext(serviceAccount, 'itsm-reconcile')),
      );
    } catch (error) {
      logger.warn({ error: errorName(error) }, 'ITSM callback_failed_ticket not read this round');
    }
    report.failedCallbacks = failed.length;
    const sns = [...new Set([...open, ...failed])];
    report.asked = sns.length;
    for (const batch of chunk(sns, batchSize)) {
      try {
        const results = await sync.settle(batch, 'itsm-reconcile');
        report.changed += results.filter((r) => r.changed).length;
      } catch (error) {
        report.failedBatches++;
        logger.warn({ size: batch.length, error: errorName(error) }, 'ITSM reconcile batch failed');
      }
    }
    if (report.changed > 0 || report.failedBatches > 0) logger.info({ ...report }, 'ITSM reconcile round');
    return report;
  }

  function runOnce(): Promise<ReconcileReport> {
    running ??= round().finally(() => {
      running = null;
    });
    return running;
  }

  function schedule(delay: number) {
    if (stopped) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((error: unknown) => logger.warn({ error: errorName(error) }, 'ITSM reconcile round failed'))
        .finally(() => schedule(intervalMs));
    }, delay);
    timer.unref?.();
  }
  schedule(0);

  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
      await store.leases.release(LEASE, holder).catch(() => undefined);
    },
  };
}
