/**
 * The event topic of one JOB execution: `job:<bizId>:<jobInstanceId>`. Its payload is small,
 * `{ jobId, version }` (bk-graph's id and the stored row's version): subscribers read the job
 * itself, so an event never carries more than the bus allows or anything a subscriber may not see.
 */
export function jobTopic(bizId: string, jobInstanceId: string): string {
  return `job:${bizId}:${jobInstanceId}`;
}

/** What `job:<bizId>:<jobInstanceId>` events carry. */
export interface JobEvent {
  jobId: string;
  version: number;
  [key: string]: unknown;
}
