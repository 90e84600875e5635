import { request } from 'undici';

/** Callbacks (JOB, ITSM) give up after this long; the sandbox must never wait on a dead receiver. */
const CALLBACK_TIMEOUT_MS = 5000;

async function post(url: string, body: string, headers: Record<string, string>): Promise<number> {
  try {
    const res = await request(url, {
      method: 'POST',
      body,
      headers,
      headersTimeout: CALLBACK_TIMEOUT_MS,
      bodyTimeout: CALLBACK_TIMEOUT_MS,
      signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
    });
    await res.body.dump();
    return res.statusCode;
  } catch {
    // This function never throws: a failed callback is a status of 0 for the caller to record.
    return 0;
  }
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<number> {
  return post(url, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
}

export function postForm(url: string, body: Record<string, string>): Promise<number> {
  return post(url, new URLSearchParams(body).toString(), {
    'content-type': 'application/x-www-form-urlencoded',
  });
}
