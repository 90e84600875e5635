import { getIntrospectionQuery } from 'graphql';
import { foregroundCalls, startTestServer } from './helpers/server';
import type { TestServer } from './helpers/server';

/**
 * Query limits through the front door: every document a caller can send is refused or answered
 * with a code, before any upstream call when it is over a limit.
 */

/** `set { modules { … } }` nested under a business's modules until the document is `depth` deep. */
function setModulesBomb(depth: number): string {
  let inner = 'id';
  // businesses / nodes / modules + the innermost id: 4 levels; each set { modules } pair adds 2.
  for (let levels = 4; levels + 2 <= depth; levels += 2) inner = `set { modules { ${inner} } }`;
  return `{ businesses(first: 1) { nodes { modules { ${inner} } } } }`;
}

const COST_BOMB =
  '{ businesses(first: 500) { nodes { hosts(first: 500) { nodes { modules { hosts(first: 500) { nodes { id } } } } } } } }';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

async function upstreamCalls(): Promise<number> {
  const { calls } = await server.stats();
  return Object.values(foregroundCalls(calls)).reduce((a, b) => a + b, 0);
}

describe('limits checked before anything runs', () => {
  test.each([24, 50])(
    // How fast the refusal is, is measured by `npm run bench` (the `refusals` rows), not here.
    'refuses a depth-%i document with QUERY_TOO_COMPLEX naming the depth limit, calling nothing',
    async (depth) => {
      await server.resetStats();
      const { status, body } = await server.graphql(setModulesBomb(depth));
      expect(status).toBe(400);
      expect(body.data).toBeUndefined();
      expect(body.errors?.[0]?.extensions).toMatchObject({
        code: 'QUERY_TOO_COMPLEX',
        limit: 'depth',
        max: 12,
      });
      expect(Number(body.errors?.[0]?.extensions?.found)).toBeGreaterThanOrEqual(depth);
      expect(await upstreamCalls()).toBe(0);
    },
  );

  test('refuses a cost bomb before any upstream call, with the computed cost and the budget', async () => {
    await server.resetStats();
    const { status, body } = await server.graphql(COST_BOMB);
    expect(status).toBe(400);
    const ext = body.errors?.[0]?.extensions;
    expect(ext).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', budget: 50_000 });
    // 500 businesses × 500 hosts × 4 modules × 500 hosts, objects counted at every level.
    expect(Number(ext?.cost)).toBeGreaterThan(500 * 500 * 4 * 500);
    expect(body.errors?.[0]?.message).toContain(String(ext?.cost));
    expect(await upstreamCalls()).toBe(0);
  });

  test('refuses more aliases than the limit (30), so 500 aliased business lists never reach CMDB', async () => {
    await server.resetStats();
    const aliased = Array.from({ length: 31 }, (_, i) => `b${i}: businesses(first: 1) { totalCount }`);
    const { body } = await server.graphql(`{ ${aliased.join(' ')} }`);
    expect(body.errors?.[0]?.extensions).toMatchObject({
      code: 'QUERY_TOO_COMPLEX',
      limit: 'aliases',
      max: 30,
      found: 31,
    });
    expect(await upstreamCalls()).toBe(0);
  });

  test('refuses more directives than the limit (50)', async () => {
    const directives = Array.from({ length: 51 }, () => '@include(if: true)').join(' ');
    const { body } = await server.graphql(`{ me ${directives} { username } }`);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'directives' });
  });

  test('a 10,000-token nesting is GRAPHQL_PARSE_FAILED, read no further than the token limit', async () => {
    const query = `{${'a{'.repeat(5000)}b${'}'.repeat(5001)}`;
    const { status, body } = await server.graphql(query);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(body.errors?.[0]?.message).toMatch(/more tha[nt] 2000 tokens/);
  });

  test('the full introspection query Apollo Client and urql send is answered, never priced as data', async () => {
    // Its cost grows with the schema (types × fields × ofType nesting), not with BlueKing's data.
    const { body } = await server.graphql(
      getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true }),
    );
    expect(body.errors).toBeUndefined();
    const { __schema } = body.data as { __schema: { types: { name: string }[] } };
    expect(__schema.types.map((t) => t.name)).toEqual(expect.arrayContaining(['Approval', 'Ticket', 'Host']));
  });

  test('an introspection field beside data is free, while the data in it still counts', async () => {
    const { body } = await server.graphql(
      `{ __schema { types { name fields { name } } } ${COST_BOMB.slice(1, -1)} }`,
    );
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX' });
  });

  test('the canonical queries stay within every limit', async () => {
    const fleet =
      '{ businesses(first: 20) { nodes { id hostCount hosts(first: 50) { nodes { id agent { alive } } } } } }';
    const { body } = await server.graphql(fleet);
    expect(body.errors).toBeUndefined();
    expect(body.data).toBeDefined();
  });
});

describe('coded errors for every bad request', () => {
  const byId = 'query ($b: ID!) { business(id: $b) { name } }';

  test("a wrongly typed variable is BAD_USER_INPUT with the executor's own message", async () => {
    await server.resetStats();
    const { body } = await server.graphql(byId, { b: { x: 1 } });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: '$b' });
    expect(body.errors?.[0]?.message).toMatch(/^Variable "\$b" got invalid value/);
    expect(await upstreamCalls()).toBe(0);
  });

  test('a missing required variable is BAD_USER_INPUT naming it', async () => {
    const { body } = await server.graphql(byId, {});
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: '$b' });
    expect(body.errors?.[0]?.message).toMatch(/"\$b" of required type "ID!" was not provided/);
  });

  test('a subscription over HTTP is BAD_REQUEST pointing at WebSocket', async () => {
    const { body } = await server.graphql('subscription { anything }');
    expect(body.errors?.[0]?.extensions?.code).toMatch(/^(BAD_REQUEST|GRAPHQL_VALIDATION_FAILED)$/);
    expect(body.errors?.[0]?.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
  });

  test('with application/json only, a refused document still answers HTTP 200 (GraphQL over HTTP)', async () => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ query: COST_BOMB }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('QUERY_TOO_COMPLEX');
  });
});

describe('each limit is set from the environment', () => {
  let tight: TestServer;
  beforeAll(async () => {
    tight = await startTestServer({
      GRAPHQL_MAX_DEPTH: '3',
      GRAPHQL_MAX_ALIASES: '1',
      GRAPHQL_MAX_DIRECTIVES: '1',
      GRAPHQL_MAX_TOKENS: '100',
      GRAPHQL_MAX_COST: '10',
    });
  });
  afterAll(async () => {
    await tight.close();
  });

  test.each([
    ['depth', '{ businesses(first: 1) { nodes { modules { id } } } }', { limit: 'depth', max: 3 }],
    ['aliases', '{ a: me { username } b: me { username } }', { limit: 'aliases', max: 1 }],
    [
      'directives',
      '{ me @include(if: true) @skip(if: false) { username } }',
      { limit: 'directives', max: 1 },
    ],
    ['cost', '{ businesses(first: 11) { nodes { id } } }', { limit: 'cost', budget: 10 }],
  ])('GRAPHQL_MAX_* lowers the %s limit', async (_name, query, expected) => {
    const { body } = await tight.graphql(query);
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', ...expected });
  });

  test('GRAPHQL_MAX_TOKENS lowers the token limit', async () => {
    const { body } = await tight.graphql(`{ me { ${'username '.repeat(120)} } }`);
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(body.errors?.[0]?.message).toMatch(/100 tokens/);
  });

  test('a document within the tightened limits still runs', async () => {
    const { body } = await tight.graphql('{ businesses(first: 2) { totalCount } }');
    expect(body.errors).toBeUndefined();
  });
});
