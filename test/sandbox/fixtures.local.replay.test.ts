import { createReplayer, loadFixtures, REPO_FIXTURES_DIR } from '../../src/sandbox/replay/replay';
import type { FixtureReplayer } from '../../src/sandbox/replay/replay';
import { replayHttpOf } from '../helpers/replay-http';
import { startTestSandbox } from '../helpers/sandbox';
import type { TestSandbox } from '../helpers/sandbox';

/**
 * The project's own doc fixtures (test/fixtures/, examples CONTRACTS.md quotes without shipping a
 * file) replayed against a real sandbox over HTTP with the same tooling and shape rules as the
 * shared ones (fixtures.replay.test.ts).
 *
 * Substitutions, listed in each result's `substitutions` like the shared fixtures':
 * - all: X-Bkapi-Authorization → the sandbox app + token-admin.
 * - job.get_script_list: bk_scope_id "1" → the replay world's business (the first normal
 *   business with a module holding two single-IPv4 hosts with live agents); name "a.sh" → the
 *   name of one of its shell scripts with an online version, a name no other of its scripts
 *   contains (found via get_script_list script_language=1); script_language, start, length kept.
 * - Tolerated, backed by the fixture's notes: the example's ESB envelope (`message`, no
 *   `job_request_id`) against JOB's APIGW one (no `message` on success, `job_request_id` always).
 */

const fixtures = loadFixtures(REPO_FIXTURES_DIR);

describe('repo-local fixtures replayed against the sandbox', () => {
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

  test('include the get_script_list example of CONTRACTS.md §4.8', () => {
    expect(fixtures.map((f) => f.file)).toContain('job.get_script_list.json');
  });

  test.each(fixtures.map((f) => [f.file, f] as const))(
    '%s: the sandbox answers in the fixture’s shape',
    async (_file, lf) => {
      const r = await replayer.replay(lf);
      expect({ problems: r.problems, sent: r.ok ? [] : [r.call, ...r.substitutions] }).toEqual({
        problems: [],
        sent: [],
      });
    },
  );

  test('get_script_list is replayed with the real business and script, each swap listed', async () => {
    const lf = fixtures.find((f) => f.file === 'job.get_script_list.json');
    if (!lf) throw new Error('job.get_script_list.json is missing');
    const r = await replayer.replay(lf);
    expect(r.call).toBe('GET /api/bk-job/prod/api/v3/get_script_list');
    expect(r.substitutions).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^query\.bk_scope_id: "1" → "\d+"$/),
        expect.stringMatching(/^query\.name \(a shell script with an online version\): "a\.sh" → ".+\.sh"$/),
      ]),
    );
  });
});
