import { control, log, round1, startSandboxProcess, sumValues, withBkGraph, ROOT } from './harness';
import { BENCH_TOKEN, percentile } from './measure';

/** Documents the query limits must refuse before anything runs (issue: no query takes bk-graph down). */
export const BOMBS: Readonly<Record<string, string>> = {
  'depth 24': setModules(24),
  'depth 50': setModules(50),
  'cost bomb':
    '{ businesses(first: 500) { nodes { hosts(first: 500) { nodes { modules { hosts(first: 500) { nodes { id } } } } } } } }',
  '31 aliases': `{ ${Array.from({ length: 31 }, (_, i) => `b${i}: businesses(first: 500) { totalCount }`).join(' ')} }`,
};

function setModules(depth: number): string {
  let inner = 'id';
  for (let levels = 4; levels + 2 <= depth; levels += 2) inner = `set { modules { ${inner} } }`;
  return `{ businesses(first: 1) { nodes { modules { ${inner} } } } }`;
}

export interface Refusal {
  document: string;
  code: string;
  p50Ms: number;
  maxMs: number;
  /** Upstream calls the sandbox counted over all the requests (must be 0). */
  upstreamCalls: number;
}

async function refuse(url: string, query: string): Promise<{ ms: number; code: string }> {
  const started = performance.now();
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-bk-token': BENCH_TOKEN },
    body: JSON.stringify({ query }),
  });
  const body = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
  return { ms: performance.now() - started, code: String(body.errors?.[0]?.extensions?.code ?? 'none') };
}

/** Sends each bomb `requests` times in a row to a fresh bk-graph and times the refusals. */
export async function measureRefusals(hosts: number, requests: number): Promise<Refusal[]> {
  log(`refusals: ${Object.keys(BOMBS).length} documents × ${requests} requests at ${hosts} hosts`);
  const sandbox = await startSandboxProcess(hosts);
  try {
    return await withBkGraph(sandbox.url, ROOT, async (graph) => {
      const out: Refusal[] = [];
      for (const [document, query] of Object.entries(BOMBS)) {
        for (let i = 0; i < 10; i++) await refuse(graph.url, query);
        await control(sandbox.url, '/reset');
        const samples: number[] = [];
        let code = '';
        for (let i = 0; i < requests; i++) {
          const r = await refuse(graph.url, query);
          samples.push(r.ms);
          code = r.code;
        }
        const stats = (await control(sandbox.url, '/stats')) as { calls: Record<string, number> };
        delete stats.calls['cmdb.resource_watch'];
        samples.sort((a, b) => a - b);
        out.push({
          document,
          code,
          p50Ms: round1(percentile(samples, 50)),
          maxMs: round1(samples[samples.length - 1] ?? 0),
          upstreamCalls: sumValues(stats.calls),
        });
      }
      return out;
    });
  } finally {
    await sandbox.child.stop();
  }
}

export function refusalsMarkdown(refusals: readonly Refusal[]): string[] {
  if (refusals.length === 0) return [];
  return [
    '',
    'Refused before execution (sequential requests, no injected latency matters: nothing is called):',
    '',
    '| document | code | p50 ms | max ms | upstream calls |',
    '|---|---|---:|---:|---:|',
    ...refusals.map((r) => `| ${r.document} | ${r.code} | ${r.p50Ms} | ${r.maxMs} | ${r.upstreamCalls} |`),
  ];
}
