import { isUpstreamError } from '../../errors';

/** A name safe to log: the error's kind and code or class, never its message (it may quote upstream bodies). */
export function errorName(error: unknown): string {
  if (isUpstreamError(error)) return `${error.kind}:${String(error.upstream.code ?? '')}`;
  return error instanceof Error ? error.name : typeof error;
}
