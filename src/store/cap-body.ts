/** The most of a callback body (64 KiB) the inboxes keep: a body is evidence, not storage. */
export const MAX_CALLBACK_BODY_BYTES = 64 * 1024;

/**
 * The body as a Postgres text value of at most `maxBytes` UTF-8 bytes. Cut on a character
 * boundary (a streaming TextDecoder holds back a split character instead of emitting U+FFFD), and
 * with NUL replaced, because Postgres text cannot hold U+0000 and the insert would fail.
 */
export function capBody(body: string, maxBytes = MAX_CALLBACK_BODY_BYTES): string {
  const text = body.includes('\u0000') ? body.replaceAll('\u0000', '\uFFFD') : body;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  return new TextDecoder().decode(bytes.subarray(0, maxBytes), { stream: true });
}
