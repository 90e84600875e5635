/** Event topics of tickets and approvals (payloads are small and secret-free). */

/** `{ sn, status, approveResult, version }` on every stored change of a ticket. */
export const ticketTopic = (sn: string): string => `ticket:${sn}`;

/** `{ id, state, version, jobId }` on every state change of an approval. */
export const approvalTopic = (id: string): string => `approval:${id}`;

/** Wakes the approval workers of every replica: an approval was queued for execution. */
export const APPROVAL_OUTBOX_TOPIC = 'approvals:outbox';
