/** ITSM tickets: the service, the callback handler, the reconcile loop, and what they share. */
export {
  createTicketService,
  type LinkedApproval,
  type TicketListArgs,
  type TicketService,
  type TicketServiceOptions,
} from './ticket-service';
export type { TicketLive, TicketView } from './ticket-view';
export type { CreateTicketInput, OperateTicketInput, ValidTicketInput } from './ticket-input';
export {
  createItsmCallbackHandler,
  type ItsmCallbackHandler,
  type ItsmCallbackHandlerOptions,
  type ItsmCallbackRequest,
  type ItsmCallbackResponse,
} from './callback-handler';
export {
  startItsmReconciler,
  type ItsmReconciler,
  type ItsmReconcilerOptions,
  type ReconcileReport,
} from './reconciler';
export { createTicketSync, type ApplyResult, type TicketFacts, type TicketSync } from './ticket-sync';
export type { ItsmServiceAccount } from './service-account';
export type { ServiceLogger } from './logger';
export { APPROVAL_OUTBOX_TOPIC, approvalTopic, ticketTopic } from './topics';
