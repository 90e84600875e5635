import { UpstreamError } from '../../errors';
import type { ApiSpec } from '../types';

/**
 * Reads a response body once, refusing more than `maxBytes` (a runaway body would otherwise sit in
 * memory whole). The stream is destroyed on overflow so its connection is not reused mid-body.
 */
export async function readCappedBody(
  body: AsyncIterable<Buffer | string> & { destroy(error?: Error): unknown },
  maxBytes: number,
  spec: ApiSpec,
  httpStatus: number,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buf.length;
    if (size > maxBytes) {
      body.destroy();
      throw new UpstreamError(
        'malformed',
        `${spec.system}.${spec.api} answered with a body larger than ${maxBytes} bytes`,
        { system: spec.system, api: spec.api, httpStatus },
      );
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}
