import autocannon from 'autocannon';

export interface GraphQLTarget {
  /** bk-graph's /graphql URL. */
  url: string;
  query: string;
  variables: Record<string, unknown>;
}

/** The sandbox user every request is made as. */
export const BENCH_TOKEN = 'token-admin';

/** Every request: as admin, and past the cache, so each one does the full upstream work. */
export const REQUEST_HEADERS = {
  'content-type': 'application/json',
  'cache-control': 'no-cache',
  'x-bk-token': BENCH_TOKEN,
};

/** A response counts only with data and without errors (a partial result is a failure here). */
export function isGoodBody(text: string): boolean {
  try {
    const body = JSON.parse(text) as { data?: unknown; errors?: unknown };
    return body.data !== undefined && body.data !== null && body.errors === undefined;
  } catch {
    return false;
  }
}

/** One request: elapsed ms and the body; throws with the first error message when the answer is not good. */
async function post(target: GraphQLTarget): Promise<{ elapsed: number; text: string }> {
  const started = performance.now();
  const res = await fetch(target.url, {
    method: 'POST',
    headers: REQUEST_HEADERS,
    body: JSON.stringify({ query: target.query, variables: target.variables }),
  });
  const text = await res.text();
  const elapsed = performance.now() - started;
  if (!isGoodBody(text)) {
    let reason = `HTTP ${res.status}`;
    try {
      const errors = (JSON.parse(text) as { errors?: { message?: string; extensions?: { code?: string } }[] })
        .errors;
      if (errors?.[0]) reason += `: ${errors[0].extensions?.code ?? ''} ${errors[0].message ?? ''}`.trimEnd();
    } catch {
      reason += ' (body is not JSON)';
    }
    throw new Error(reason);
  }
  return { elapsed, text };
}

/** One request: elapsed ms; throws with the first error message when the answer is not good. */
export async function runOnce(target: GraphQLTarget): Promise<number> {
  return (await post(target)).elapsed;
}

/** One request: the answer's `data`; throws as runOnce does. */
export async function answerData(target: GraphQLTarget): Promise<unknown> {
  return (JSON.parse((await post(target)).text) as { data: unknown }).data;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] as number;
}

export interface Throughput {
  rps: number;
  requests: number;
  /** Responses without data or with errors. */
  bad: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

export async function throughput(
  target: GraphQLTarget,
  connections: number,
  durationSeconds: number,
): Promise<Throughput> {
  const result = await autocannon({
    url: target.url,
    method: 'POST',
    headers: REQUEST_HEADERS,
    body: JSON.stringify({ query: target.query, variables: target.variables }),
    connections,
    duration: durationSeconds,
    timeout: 30,
    verifyBody: (body) => isGoodBody(String(body)),
  });
  return {
    rps: Math.round(result.requests.average * 10) / 10,
    requests: result.requests.total,
    bad: result.mismatches,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
