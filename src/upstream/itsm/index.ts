export { createItsmClient } from './client';
export type { CreateTicketArgs, ItsmClient, ItsmClientOptions, ServiceFilter } from './client';
export { ITSM_TICKET_NOT_FOUND, itsmSpecs } from './specs';
export * as itsmMap from './map';
