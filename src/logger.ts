import { pino, type Logger } from 'pino';

export type { Logger };

/** What request-scoped code logs through: Fastify's per-request child logger (it carries reqId). */
export type RequestLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

/**
 * Every place a credential can sit in a log record. Request logging never includes headers or query
 * strings (see server.ts), so these paths are the second line of defence, for objects logged by hand.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-bk-token"]',
  'req.headers["x-bkapi-authorization"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-bk-token"]',
  'headers["x-bkapi-authorization"]',
  '*.bkToken',
  '*.bk_token',
  '*.accessToken',
  '*.access_token',
  '*.appSecret',
  '*.bk_app_secret',
  'credentials',
  '*.credentials',
];

/** One pino logger for the process; Fastify gets it as its `loggerInstance`. */
export function createLogger(level: string = 'info'): Logger {
  return pino({
    level,
    base: { service: 'bk-graph' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  });
}
