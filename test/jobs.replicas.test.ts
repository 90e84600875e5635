import { randomUUID } from 'node:crypto';
import { print } from 'graphql';
import { FastExecuteScriptDocument, type FastExecuteScriptMutation } from './__generated__/graphql';
import { businessHosts, sandboxExecutions } from './jobs.helpers';
import { startTestSandbox, type TestSandbox } from './helpers/sandbox';
import { startReplica, stopReplica, type Replica } from './helpers/replica';
import { dropSchema, testSchema, TEST_DATABASE_URL } from './helpers/server';

/**
 * Two bk-graph processes (`src/main.ts`, as deployed) on one Postgres schema, configured as
 * against a real BlueKing and pointed at one standalone sandbox: concurrent duplicates of one
 * mutation, sent to both, start one JOB execution.
 */

let sandbox: TestSandbox;
const schema = testSchema('t_replicas');
let replicas: Replica[] = [];

beforeAll(async () => {
  sandbox = await startTestSandbox();
  const env = {
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
    WATCH_ENABLED: '0',
    BK_API_URL_TMPL: `${sandbox.url}/api/{api_name}/`,
    BK_COMPONENT_API_URL: sandbox.url,
    BK_APP_CODE: 'bk-graph',
    BK_APP_SECRET: 'sandbox-secret',
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: schema,
  };
  // Started together: the store's migrations run once, under their advisory lock.
  const started = await Promise.allSettled([startReplica(env), startReplica(env)]);
  replicas = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
}, 60_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => stopReplica(r)));
  await sandbox?.close();
  await dropSchema(TEST_DATABASE_URL, schema);
});

describe('two bk-graph processes sharing one Postgres', () => {
  it('make one JOB call for twenty concurrent duplicates sent to both, and all answer the same job', async () => {
    const [host] = await businessHosts(sandbox.url, 2);
    const input = {
      businessId: '2',
      script: 'echo "once"',
      language: 'SHELL',
      accountAlias: 'root',
      hostIds: [String(host!.bk_host_id)],
      idempotencyKey: randomUUID(),
    };
    const before = await sandboxExecutions(sandbox.url);
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const res = await fetch(`${replicas[i % 2]!.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-bk-token': 'token-admin' },
          body: JSON.stringify({ query: print(FastExecuteScriptDocument), variables: { input } }),
        });
        return (await res.json()) as { data?: FastExecuteScriptMutation; errors?: unknown[] };
      }),
    );
    for (const a of answers) expect(a.errors).toBeUndefined();
    const ids = new Set(answers.map((a) => a.data!.fastExecuteScript.job.id));
    expect(ids.size).toBe(1);
    const after = await sandboxExecutions(sandbox.url);
    expect(after.fast_execute_script - before.fast_execute_script).toBe(1);
    expect(after.instances.slice(before.instances.length)).toEqual([Number([...ids][0])]);
  });
});
