import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server standing in for bk-graph's callback routes: records every POST the sandbox
 * sends (path with query string, headers, raw body) and answers each with the next of the given
 * replies (the last one repeats).
 */

export interface ReceivedCall {
  /** Path and query string, exactly as requested. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface Reply {
  status: number;
  body: unknown;
}

export class CallbackReceiver {
  readonly calls: ReceivedCall[] = [];
  private server: Server | null = null;
  private waiters: Array<() => void> = [];

  constructor(private readonly replies: Reply[] = [{ status: 200, body: { code: 0 } }]) {}

  /** Starts listening; resolves to the receiver's base URL (no trailing slash). */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const reply = this.replies[this.calls.length] ?? this.replies[this.replies.length - 1];
        this.calls.push({ url: req.url ?? '/', headers: req.headers, body, at: Date.now() });
        res.writeHead(reply?.status ?? 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply?.body ?? { code: 0 }));
        for (const w of this.waiters.splice(0)) w();
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Waits until `n` calls arrived or `ms` passed; resolves to the calls so far. */
  async waitFor(n: number, ms = 3000): Promise<ReceivedCall[]> {
    const deadline = Date.now() + ms;
    while (this.calls.length < n && Date.now() < deadline) {
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 25);
      });
    }
    return this.calls;
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

/** `/_sandbox/*` over HTTP, answering status and JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw JSON
type Json = any;

export async function control(
  url: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${url}/_sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as unknown };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
