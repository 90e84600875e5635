import type { RequestLogger } from '../../logger';

/** What the ticket and approval services log through (pino's Logger fits). */
export type ServiceLogger = RequestLogger;
