import DataLoader from 'dataloader';
import type { JobHostLog } from '../upstream/domain';
import { mapBounded } from '../upstream/mapping';
import { asError, cachedMany, groupBy, type LoaderDeps } from './deps';

/** One host's log of one step of an execution. */
export interface JobLogKey {
  bizId: string;
  jobInstanceId: string;
  stepInstanceId: string;
  hostId: string;
  /** The execution is finished (JOB's FINISHED_STATUS_SET): its logs never change again. */
  finished: boolean;
}

const logKeyOf = (k: JobLogKey) =>
  `${k.bizId}|${k.jobInstanceId}|${k.stepInstanceId}|${k.hostId}|${k.finished ? 'f' : ''}`;
const stepOf = (k: JobLogKey) => `${k.bizId}|${k.jobInstanceId}|${k.stepInstanceId}|${k.finished ? 'f' : ''}`;

/**
 * Per-host logs (`JobHostResult.log`), asked for only when selected: every host of one step in
 * the whole response goes into one batch_get_job_instance_ip_log per `hostLogsPerCall` (500)
 * hosts (the JOB client splits), steps in parallel up to `concurrency`. Logs of a finished
 * execution go through the identity-scoped cache (kind `jobs`); a running step's never do. A host
 * JOB has no log row for answers null.
 */
export function jobHostLogLoader(deps: LoaderDeps): DataLoader<JobLogKey, JobHostLog | null, string> {
  const { job } = deps.clients;

  async function fetchLogs(first: JobLogKey, hostIds: string[]): Promise<Map<string, JobHostLog | null>> {
    const logs = await job.batchHostLogs(
      {
        bizId: first.bizId,
        jobInstanceId: first.jobInstanceId,
        stepInstanceId: first.stepInstanceId,
        hostIds,
      },
      deps.callContext(),
    );
    const byHost = new Map<string, JobHostLog | null>(hostIds.map((id) => [id, null]));
    for (const log of logs) if (log.hostId !== null && byHost.has(log.hostId)) byHost.set(log.hostId, log);
    return byHost;
  }

  async function stepLogs(keys: JobLogKey[]): Promise<Map<string, JobHostLog | null>> {
    const first = keys[0]!;
    const hostIds = [...new Set(keys.map((k) => k.hostId))];
    if (!first.finished) return fetchLogs(first, hostIds);
    const prefix = `log:${first.jobInstanceId}:${first.stepInstanceId}:`;
    const found = await cachedMany(
      deps,
      'jobs',
      hostIds.map((id) => prefix + id),
      async (missing) => {
        const logs = await fetchLogs(
          first,
          missing.map((m) => m.slice(prefix.length)),
        );
        return new Map([...logs].map(([id, log]) => [prefix + id, log]));
      },
      { bizId: first.bizId },
    );
    return new Map(hostIds.map((id) => [id, found.get(prefix + id) ?? null]));
  }

  return new DataLoader<JobLogKey, JobHostLog | null, string>(
    async (keys) => {
      const steps = [...groupBy(keys, stepOf).values()];
      const answers = await mapBounded(steps, deps.limits.concurrency, (group) =>
        stepLogs(group).catch(asError),
      );
      const results = new Map<string, JobHostLog | null | Error>();
      steps.forEach((group, i) => {
        const answer = answers[i]!;
        for (const k of group)
          results.set(logKeyOf(k), answer instanceof Error ? answer : (answer.get(k.hostId) ?? null));
      });
      return keys.map((k) => results.get(logKeyOf(k)) ?? null);
    },
    { cacheKeyFn: logKeyOf, batchScheduleFn: deps.schedule },
  );
}
