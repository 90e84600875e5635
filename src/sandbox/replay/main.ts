import { DEFAULT_FIXTURES_DIR, fetchHttp, replayAll, REPO_FIXTURES_DIR } from './replay';

/**
 * `npx tsx src/sandbox/replay/main.ts [sandbox-url] [fixtures-dir]`: replays every BlueKing
 * doc fixture (the shared ones and the project's test/fixtures, or only `fixtures-dir` when
 * given) against a running `npm run sandbox` and prints one PASS/FAIL line per fixture, then
 * `N passed, N failed`. Exit status 1 when any fixture fails; REPLAY_VERBOSE=1 also lists every
 * substitution of passing fixtures. The replay sets and clears
 * `/_sandbox/faults` on the way, so do not point it at a sandbox others are fault-testing.
 */
async function main(): Promise<void> {
  const url = process.argv[2] ?? `http://127.0.0.1:${process.env.SANDBOX_PORT ?? '4100'}`;
  const dirs = process.argv[3] ? [process.argv[3]] : [DEFAULT_FIXTURES_DIR, REPO_FIXTURES_DIR];
  const results = await replayAll(
    {
      http: fetchHttp(url),
      appCode: process.env.SANDBOX_APP_CODE ?? 'bk-graph',
      appSecret: process.env.SANDBOX_APP_SECRET ?? 'sandbox-secret',
      bkToken: 'token-admin',
      username: 'admin',
      // Where the sandbox can reach this process's callback receiver (JOB/ITSM callbacks).
      callbackHost: process.env.REPLAY_CALLBACK_HOST ?? '127.0.0.1',
    },
    dirs,
  );
  let passed = 0;
  for (const r of results) {
    if (r.ok) passed++;
    process.stdout.write(`${r.ok ? 'PASS' : 'FAIL'} ${r.file}  (${r.call})\n`);
    for (const p of r.problems) process.stdout.write(`     - ${p}\n`);
    if (!r.ok || process.env.REPLAY_VERBOSE === '1') {
      for (const s of r.substitutions) process.stdout.write(`       · ${s}\n`);
    }
  }
  const failed = results.length - passed;
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exitCode = failed > 0 ? 1 : 0;
}

void main().catch((err: unknown) => {
  process.stderr.write(`replay failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
