import type { ReplayHttp } from '../../src/sandbox/replay/replay';
import { bkFetch } from './sandbox';

/**
 * The fixture replay's HTTP over `bkFetch`. `auth: null`: the replay sends exactly the
 * credentials it built from the fixture (header, query or body), nothing added.
 */
export function replayHttpOf(url: string): ReplayHttp {
  return async (call) => {
    const res = await bkFetch(url, call.path, {
      method: call.method,
      query: call.query,
      headers: call.headers,
      body: call.body,
      auth: null,
    });
    return { status: res.status, headers: res.headers, text: res.text, json: res.json as unknown };
  };
}
