import type { Approval } from '../../store';

/**
 * The launcher's idempotency key of an approval's current run. The first run is `approval:<id>`;
 * a RUN_AGAIN (decided by someone, so `decidedBy` is set) runs under a key of its own, from the
 * version the approval has while EXECUTING. A worker taking over a dead one's claim reads the
 * same row, so it computes the same key, and the launcher tells whether JOB was already called.
 */
export function runKey(approval: Pick<Approval, 'id' | 'decidedBy' | 'version'>): string {
  return approval.decidedBy === null
    ? `approval:${approval.id}`
    : `approval:${approval.id}:again:${approval.version}`;
}
