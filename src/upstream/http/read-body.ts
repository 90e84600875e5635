import { UpstreamError } from '../../errors';
import type { ApiSpec } from '../types';

/** The parts of undici's response body this module uses. */
export interface ResponseBody extends AsyncIterable<Buffer | string> {
  text(): Promise<string>;
  destroy(error?: Error): unknown;
}

/**
 * Reads a response body once, refusing more than `maxBytes` (a runaway body would otherwise sit in
 * memory whole). The stream is destroyed on overflow so its connection is not reused mid-body.
 *
 * A body whose `content-length` is within the cap is read with undici's own `text()`, which takes
 * the chunks as they are pushed (undici holds the connection to that length); only bodies of
 * unknown length go through the stream's async iterator, counting as they come. The iterator's
 * per-chunk promises and stream bookkeeping were a visible part of taking in fleet's 20 page
 * answers.
 */
export async function readCappedBody(
  body: ResponseBody,
  maxBytes: number,
  spec: ApiSpec,
  httpStatus: number,
  contentLength?: string | string[],
): Promise<string> {
  const declared = typeof contentLength === 'string' ? Number(contentLength) : NaN;
  if (Number.isSafeInteger(declared) && declared >= 0) {
    if (declared > maxBytes) throw tooLarge(body, maxBytes, spec, httpStatus);
    return body.text();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buf.length;
    if (size > maxBytes) throw tooLarge(body, maxBytes, spec, httpStatus);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(body: ResponseBody, maxBytes: number, spec: ApiSpec, httpStatus: number): UpstreamError {
  body.destroy();
  return new UpstreamError(
    'malformed',
    `${spec.system}.${spec.api} answered with a body larger than ${maxBytes} bytes`,
    { system: spec.system, api: spec.api, httpStatus },
  );
}
