import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadConfig, pointAtSandbox } from '../src/config';
import { startEmbeddedSandbox } from '../src/sandbox/server';
import type { Sandbox } from '../src/sandbox/types';
import { createServer, type BkGraphServer } from '../src/server';
import { createClients } from '../src/upstream/clients';
import { createUpstreamCaller, type UpstreamHttpCaller } from '../src/upstream/http/caller';
import { dropSchema, TEST_DATABASE_URL, TEST_SANDBOX_ENV, testSchema } from './helpers/server';

/**
 * A bug in bk-graph (anything thrown that is not one of its typed errors) reaches the caller as
 * INTERNAL_SERVER_ERROR with nothing of the original, and the log says what it was, with the
 * request id the caller got back. The bug is planted in the CMDB client.
 */

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    done();
  },
});

const schema = testSchema();
let sandbox: Sandbox;
let caller: UpstreamHttpCaller;
let server: BkGraphServer;
let url: string;

beforeAll(async () => {
  let config = loadConfig({
    ...TEST_SANDBOX_ENV,
    PORT: '0',
    WATCH_ENABLED: '0',
    DATABASE_URL: TEST_DATABASE_URL,
    DATABASE_SCHEMA: schema,
  });
  sandbox = await startEmbeddedSandbox(config.sandbox);
  config = pointAtSandbox(config, sandbox.url);
  caller = createUpstreamCaller({ config: config.upstream });
  const clients = createClients(caller, config);
  clients.cmdb.searchBusiness = async () => {
    throw new TypeError('planted bug: cannot read properties of undefined');
  };
  server = await createServer(config, { logger: pino({ level: 'info' }, sink), caller, clients });
  url = await server.listen();
});
afterAll(async () => {
  await server.close();
  await caller.close();
  await sandbox.close();
  await dropSchema(TEST_DATABASE_URL, schema);
});

test('is INTERNAL_SERVER_ERROR for the caller and logged with the request id the caller got', async () => {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': 'support-ticket-42' },
    body: JSON.stringify({ query: '{ businesses(first: 1) { totalCount } }' }),
  });
  const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] };
  expect(res.headers.get('x-request-id')).toBe('support-ticket-42');
  expect(body.errors[0]?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  expect(JSON.stringify(body)).not.toContain('planted bug');

  const logged = lines.find((l) => l.level === 50 && l.reqId === 'support-ticket-42');
  expect(logged).toMatchObject({
    msg: 'internal error while executing a GraphQL request',
    error: { type: 'TypeError', message: 'planted bug: cannot read properties of undefined' },
    path: 'businesses',
  });
});
