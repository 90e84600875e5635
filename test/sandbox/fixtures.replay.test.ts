import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createReplayer, DEFAULT_FIXTURES_DIR, loadFixtures } from '../../src/sandbox/replay/replay';
import type { FixtureReplayer, LoadedFixture } from '../../src/sandbox/replay/replay';
import { replayHttpOf } from '../helpers/replay-http';
import { startTestSandbox } from '../helpers/sandbox';
import type { TestSandbox } from '../helpers/sandbox';

/**
 * Every BlueKing doc fixture is replayed against a real sandbox over HTTP; the answer must have
 * the fixture's shape (keys at every level, JSON types, envelope, HTTP status). Replay logic and
 * shape rules live in src/sandbox/replay/ and are shared with `src/sandbox/replay/main.ts`.
 *
 * Substitutions (the doc's ids do not exist in the sandbox; the request's structure is kept and
 * every replaced value is listed in the result's `substitutions`, printed when a replay fails):
 * - all: doc credentials (bk_app_code/bk_app_secret/bk_token/bk_username "xxx", "esb_test") →
 *   the sandbox app and token-admin, in place; APIGW calls also carry X-Bkapi-Authorization.
 * - CMDB: biz 1/2/3/5 → the first normal business with a module holding two single-IPv4 hosts
 *   (found via search_business/search_set/search_module/list_biz_hosts); set/module ids and
 *   names, host ids and IPs, maintainer and time_condition windows → that business's own values.
 *   find_host_by_topo bk_obj_id "xxx" → "module" (notes call it a placeholder).
 *   resource_watch: bk_cursor dropped (notes: cannot be combined with bk_start_from),
 *   bk_start_from → now, bk_fields → ["bk_cpu"] (the doc's events show bk_detail {bk_cpu}), and
 *   a host's bk_cpu is changed first through /_sandbox/cmdb/hosts/{id} so there is an event.
 * - GSE: hosts[0] → a world host whose agent is alive; the response's "0:10.0.0.1" key → that
 *   host's "cloud:ip".
 * - JOB: bk_scope_id → the business; plan 100 → a plan with script and file steps only; its host
 *   variable id and a string variable name; host_id_list/topo_node_list ids → world hosts/module
 *   (dynamic_group_list kept as is). Instance/step ids → a fast_execute_script run (script
 *   variants, get_job_instance_status) or an execute_job_plan run (file variants), each polled
 *   until finished. callback_protocol: a job run with callback_url → a local receiver, and the
 *   POST it receives is compared with the fixture's request.
 * - ITSM: sn → a RUNNING ticket (status/info), a fresh ticket (operate_ticket), a ticket approved
 *   via /_sandbox/itsm/tickets/{sn}/approve (approval result); token → the token of that
 *   ticket's real callback; callback_failed_ticket first gets a ticket whose callback answered
 *   500; get_services catalog 12 → the catalog holding "request" services; create_ticket's
 *   callback_url → the local receiver.
 * - PaaS: target_app_code "bk_test;esb_test" → "bk_cmdb;bk_job"; bkpaas3 id → "bk_cmdb".
 * - bk-login: bk_token → token-admin.
 * - Gateway errors (apigw.error.*), on JOB get_job_plan_list (userVerifiedRequired): the
 *   trigger's auth JSON is sent as X-Bkapi-Authorization ("x"/"y" → the sandbox app/secret);
 *   app_code_empty sends no header; api_not_found POSTs the doc's /api/xxxxx; app_no_permission,
 *   backend_timeout and the rate limits use /_sandbox/faults (noPermissionNext, failNext with
 *   errorStatus 504, rateLimitPerSec 1 with rateLimitStrategy resource/stage), cleared after.
 */

const fixtures = loadFixtures();

/** The fixture files CONTRACTS.md §11 lists. */
function indexedFixtureFiles(): string[] {
  const contracts = readFileSync(resolve(DEFAULT_FIXTURES_DIR, '..', 'CONTRACTS.md'), 'utf8');
  const index = contracts.slice(contracts.indexOf('## 11.'));
  return [...index.matchAll(/^\| `([^`]+\.json)` \|/gm)].map((m) => m[1] ?? '').sort();
}

describe('BlueKing fixtures replayed against the sandbox', () => {
  let sb: TestSandbox;
  let replayer: FixtureReplayer;

  beforeAll(async () => {
    sb = await startTestSandbox();
    replayer = await createReplayer(
      {
        http: replayHttpOf(sb.url),
        appCode: sb.appCode,
        appSecret: sb.appSecret,
        bkToken: 'token-admin',
        username: 'admin',
        jobWaitMs: 15_000,
      },
      fixtures,
    );
  });

  afterAll(async () => {
    await replayer?.close();
    await sb?.close();
  });

  test('replays every fixture of the CONTRACTS.md index, none skipped', () => {
    const files = fixtures.map((f) => f.file);
    expect(files).toEqual(indexedFixtureFiles());
    expect(files.length).toBeGreaterThanOrEqual(46);
  });

  test.each(fixtures.map((f) => [f.file, f] as const))(
    '%s: the sandbox answers in the fixture’s shape',
    async (_file, lf) => {
      const r = await replayer.replay(lf);
      // Substitutions show only on failure, to say what was actually sent.
      expect({ problems: r.problems, sent: r.ok ? [] : [r.call, ...r.substitutions] }).toEqual({
        problems: [],
        sent: [],
      });
    },
  );

  describe('a sandbox answer that differs from the fixture fails the replay', () => {
    const base = fixtures.find((f) => f.file === 'cmdb.search_set.json');
    const tampered = (file: string, edit: (info: Record<string, unknown>) => void): LoadedFixture => {
      if (!base) throw new Error('cmdb.search_set.json is missing');
      const copy = JSON.parse(JSON.stringify(base)) as LoadedFixture;
      const response = copy.fixture.response as { data: { info: Record<string, unknown>[] } };
      const first = response.data.info[0];
      if (!first) throw new Error('cmdb.search_set.json has no info element');
      edit(first);
      return { ...copy, file };
    };

    test('when the fixture has a key the answer lacks', async () => {
      const r = await replayer.replay(tampered('missing.json', (info) => (info.bk_set_env = '3')));
      expect(r.ok).toBe(false);
      expect(r.problems).toEqual(['$.data.info[0]: missing key "bk_set_env"']);
    });

    test('when the answer has a key the fixture lacks', async () => {
      const r = await replayer.replay(tampered('extra.json', (info) => delete info.default));
      expect(r.ok).toBe(false);
      expect(r.problems).toEqual(['$.data.info[0]: extra key "default" (number) not in the fixture']);
    });

    test('when a key has another JSON type', async () => {
      const r = await replayer.replay(tampered('type.json', (info) => (info.default = '0')));
      expect(r.ok).toBe(false);
      expect(r.problems).toEqual(['$.data.info[0].default: expected string, got number']);
    });
  });
});
