/** Approval-gated job plan executions: the service, the worker that runs approved ones, the ticket hook. */
export {
  createApprovalService,
  type ApprovalListArgs,
  type ApprovalService,
  type ApprovalServiceOptions,
} from './approval-service';
export { startApprovalWorker, type ApprovalWorker, type ApprovalWorkerOptions } from './approval-worker';
export type { ApprovalDecision, RequestExecutionInput } from './approval-input';
export { APPROVAL_DECISIONS, APPROVAL_STATES } from './approval-input';
export { isApproved } from './follow-ticket';
export { runKey } from './run-key';
export { createSecretBox, SECRETS_UNREADABLE, type SecretBox } from './secret-box';
export { openVariables } from './sealed-variables';
