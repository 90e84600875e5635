import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { RequestJobPlanExecutionDocument } from './__generated__/graphql';
import {
  ALICE,
  approvalIn,
  approveInItsm,
  journal,
  planExecutions,
  quickPlan,
  rejectInItsm,
  type GraphQL,
} from './approvals.helpers';
import { storeQuery } from './jobs.helpers';
import { startTestServer, testSchema, type TestServer } from './helpers/server';

/**
 * The values of a plan's PASSWORD variables while its run waits for approval: encrypted in the
 * store (in clear in no table), decrypted only for execute_job_plan, erased once the approval is
 * settled; a value that cannot be decrypted fails the approval without calling JOB.
 */

const ROOT = join(__dirname, '..');
const PASSWORD = 's3cr3t-Pa55';
const EXECUTE = 'job.system.execute_job_plan';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let server: TestServer;
let plan: Awaited<ReturnType<typeof quickPlan>>;
let passwordVariable: string;
const schema = testSchema('t_sec');
const graphql: GraphQL = (doc, vars, headers) => server.graphql(doc, vars, headers);

beforeAll(async () => {
  // A schema named here, so the test can read the store; afterAll drops it.
  server = await startTestServer({
    WATCH_ENABLED: '0',
    DATABASE_SCHEMA: schema,
    STORE_SECRET: 'the-store-secret-of-these-tests-0123456789',
  });
  plan = await quickPlan(graphql);
  // Every sandbox plan has one (db_password).
  passwordVariable = plan.variables.find((v) => v.type === 'PASSWORD')!.name;
});
afterAll(async () => {
  await server?.close();
  const { dropSchema, TEST_DATABASE_URL } = await import('./helpers/server');
  await dropSchema(TEST_DATABASE_URL, schema);
});

/** Every row of every table of the store, as JSON text, with its table's name. */
async function everyRow(): Promise<{ table: string; row: string }[]> {
  const tables = await storeQuery<{ table_name: string }>(
    schema,
    "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'",
    [schema],
  );
  const rows: { table: string; row: string }[] = [];
  for (const { table_name: table } of tables) {
    const found = await storeQuery<{ row: string }>(
      schema,
      `SELECT row_to_json(t)::text AS row FROM "${table}" t`,
    );
    rows.push(...found.map(({ row }) => ({ table, row })));
  }
  return rows;
}

const rowsHolding = async (text: string) =>
  (await everyRow()).filter((r) => r.row.includes(text)).map((r) => `${r.table}: ${r.row}`);

async function storedApproval(id: string) {
  const [row] = await storeQuery<{ variables: unknown; secrets: string | null }>(
    schema,
    'SELECT variables, secrets FROM approvals WHERE id = $1',
    [id],
  );
  return row!;
}

async function request(password = PASSWORD) {
  const res = await graphql(
    RequestJobPlanExecutionDocument,
    {
      input: {
        businessId: plan.businessId,
        planId: plan.id,
        variables: [{ name: passwordVariable, value: password }],
        reason: 'rotate the database password',
        idempotencyKey: randomUUID(),
      },
    },
    ALICE,
  );
  expect(res.body.errors).toBeUndefined();
  return res.body.data!.requestJobPlanExecution.approval;
}

it('a password variable of an approval is nowhere in the store in clear, and reaches JOB when it runs', async () => {
  await server.resetStats();
  const approval = await request();

  expect((await everyRow()).some((r) => r.table === 'approvals' && r.row.includes(approval.id))).toBe(true);
  expect(await rowsHolding(PASSWORD)).toEqual([]);
  const pending = await storedApproval(approval.id);
  expect(pending.secrets).toMatch(/^v1:[\w-]+:[\w-]+:[\w-]+$/);
  expect(pending.variables).toEqual([{ id: expect.any(String), sealed: true }]);

  await approveInItsm(server.sandboxUrl, approval.ticket.sn);
  await approvalIn(graphql, approval.id, 'EXECUTED');

  const calls = await journal(server.sandboxUrl, EXECUTE);
  expect(calls).toHaveLength(1);
  expect(calls[0]!.body).toContain(PASSWORD);
  expect(await rowsHolding(PASSWORD)).toEqual([]);
  // Settled for good: the ciphertext is gone too.
  expect((await storedApproval(approval.id)).secrets).toBeNull();
  expect(await rowsHolding(pending.secrets!)).toEqual([]);
});

it('a rejected approval erases its encrypted password value', async () => {
  const approval = await request();
  expect((await storedApproval(approval.id)).secrets).not.toBeNull();
  await rejectInItsm(server.sandboxUrl, approval.ticket.sn);
  await approvalIn(graphql, approval.id, 'REJECTED');
  expect((await storedApproval(approval.id)).secrets).toBeNull();
});

it('an approval whose secret cannot be decrypted fails with a coded reason and never calls JOB', async () => {
  const approval = await request();
  // Damage the authentication tag, as a STORE_SECRET other than the one that sealed it would.
  const { secrets } = await storedApproval(approval.id);
  const [version, iv, tag, text] = secrets!.split(':');
  const bad = Buffer.from(tag!, 'base64url').map((b) => b ^ 0xff);
  await storeQuery(schema, 'UPDATE approvals SET secrets = $2 WHERE id = $1', [
    approval.id,
    [version, iv, Buffer.from(bad).toString('base64url'), text].join(':'),
  ]);
  await server.resetStats();
  const before = await planExecutions(server.sandboxUrl);

  await approveInItsm(server.sandboxUrl, approval.ticket.sn);
  const failed = await approvalIn(graphql, approval.id, 'FAILED');

  expect(failed.note).toContain('SECRETS_UNREADABLE');
  expect(failed.note).toMatch(/nothing was sent to JOB/);
  expect(failed.job).toBeNull();
  await sleep(500);
  expect(await journal(server.sandboxUrl, EXECUTE)).toEqual([]);
  expect(await planExecutions(server.sandboxUrl)).toBe(before);
  expect(await approvalIn(graphql, approval.id, 'FAILED')).toMatchObject({ state: 'FAILED' });
});

it('a STORE_SECRET shorter than 32 characters stops the process with a config error naming it', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'warn',
      STORE_SECRET: 'short-store-secret',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect(code).toBe(1);
  expect(output).toContain('bk-graph: invalid configuration');
  expect(output).toMatch(/STORE_SECRET: must be at least 32 characters/);
  expect(output).not.toContain('short-store-secret');
});

describe('the idempotency record of a direct execution', () => {
  it('binds its input with an HMAC under the store key: another STORE_SECRET hashes the same input differently, and the password is in no row', async () => {
    const otherSchema = testSchema('t_sec_b');
    const other = await startTestServer({
      WATCH_ENABLED: '0',
      DATABASE_SCHEMA: otherSchema,
      STORE_SECRET: 'another-store-secret-of-these-tests-987654',
    });
    try {
      const key = `fp-${randomUUID()}`;
      const mutation = `mutation ($input: ExecuteJobPlanInput!) { executeJobPlan(input: $input) { job { id } } }`;
      const input = {
        businessId: plan.businessId,
        planId: plan.id,
        variables: [{ name: passwordVariable, value: PASSWORD }],
        idempotencyKey: key,
      };
      const hashIn = async (target: TestServer, inSchema: string) => {
        const res = await target.graphql(mutation, { input }, ALICE);
        expect(res.body.errors).toBeUndefined();
        const [row] = await storeQuery<{ input_hash: string }>(
          inSchema,
          'SELECT input_hash FROM idempotency_keys WHERE key = $1',
          [key],
        );
        return row!.input_hash;
      };
      const first = await hashIn(server, schema);
      const second = await hashIn(other, otherSchema);
      expect(first).toMatch(/^[0-9a-f]{64}$/);
      expect(second).toMatch(/^[0-9a-f]{64}$/);
      expect(second).not.toBe(first);
      expect(await rowsHolding(PASSWORD)).toEqual([]);
    } finally {
      await other.close();
      const { dropSchema, TEST_DATABASE_URL } = await import('./helpers/server');
      await dropSchema(TEST_DATABASE_URL, otherSchema);
    }
  });
});
