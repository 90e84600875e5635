import { Agent, request } from 'undici';

/** One upstream call as the sandbox journal recorded it (`GET /_sandbox/requests`). */
export interface RecordedCall {
  api: string;
  transport: 'apigw' | 'esb';
  method: string;
  path: string;
  body: string | null;
}

export interface ReplayAuth {
  appCode: string;
  appSecret: string;
  bkToken: string;
}

/**
 * The floor: the upstream calls bk-graph made for one request, replayed against the same sandbox
 * by the least a client can do — raw undici on keep-alive connections, each wave's calls at once,
 * every answer read and JSON-parsed, the next wave only after the last answer of this one. No
 * GraphQL, no mapping, no output. Its p50 is what a hand-written client would take on this machine
 * with these calls (loopback hops, the sandbox's own work, two cores shared); bk-graph's p50 minus
 * it is bk-graph's own cost.
 *
 * `waves` lists, per critical-path round trip, the APIs whose calls go out together; every
 * recorded call must belong to one of them.
 *
 * The replayer takes one sample at a time, so that the benchmark can take floor and bk-graph
 * samples in turn: this VM's speed drifts by several ms within minutes, and two series taken one
 * after the other compared one speed with another.
 */
export interface FloorReplay {
  /** One replay of the request's calls, wave by wave: elapsed ms. */
  once(): Promise<number>;
  close(): Promise<void>;
}

export function floorReplay(
  sandboxUrl: string,
  calls: readonly RecordedCall[],
  waves: readonly (readonly string[])[],
  auth: ReplayAuth,
): FloorReplay {
  const planned = waves.map((apis) => calls.filter((c) => apis.includes(c.api)));
  const unplaced = calls.filter((c) => !waves.some((apis) => apis.includes(c.api)));
  if (unplaced.length > 0)
    throw new Error(`the query's waves do not place ${[...new Set(unplaced.map((c) => c.api))].join(', ')}`);
  const esb = calls.find((c) => c.transport !== 'apigw');
  if (esb) throw new Error(`the floor replays APIGW calls only, got ${esb.api} over ${esb.transport}`);

  const authorization = JSON.stringify({
    bk_app_code: auth.appCode,
    bk_app_secret: auth.appSecret,
    bk_token: auth.bkToken,
  });
  const dispatcher = new Agent({ connections: 48 });
  const send = async (call: RecordedCall): Promise<void> => {
    const res = await request(`${sandboxUrl}${call.path}`, {
      dispatcher,
      method: call.method as 'GET' | 'POST',
      headers: {
        'x-bkapi-authorization': authorization,
        ...(call.body === null ? {} : { 'content-type': 'application/json' }),
      },
      ...(call.body === null ? {} : { body: call.body }),
    });
    const answer = JSON.parse(await res.body.text()) as { result?: unknown };
    if (res.statusCode !== 200 || answer.result === false)
      throw new Error(`replaying ${call.api} answered HTTP ${res.statusCode}`);
  };
  const once = async (): Promise<number> => {
    const started = performance.now();
    for (const wave of planned) await Promise.all(wave.map(send));
    return performance.now() - started;
  };

  return { once, close: () => dispatcher.close() };
}
