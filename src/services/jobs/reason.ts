import { isUpstreamError } from '../../errors';
import { StoreUnavailableError } from '../../store';

/**
 * A short reason for logs and error messages: an upstream error's kind and BlueKing code, the
 * store's own reason, or an error code or class name. Never a URL, a body or a message that
 * could hold either.
 */
export function safeReason(error: unknown): string {
  if (isUpstreamError(error))
    return `${error.kind}${error.upstream.code !== undefined ? ` ${error.upstream.code}` : ''}`;
  if (error instanceof StoreUnavailableError) return `store ${error.reason}`;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'unknown';
}
