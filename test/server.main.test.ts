import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');

/** Runs `src/main.ts` through tsx with exactly this environment (plus PATH/HOME). */
function runMain(
  env: Record<string, string>,
): ChildProcess & { output: () => { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return Object.assign(child, { output: () => ({ stdout, stderr }) });
}

const exitOf = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

describe('the entry point (src/main.ts)', () => {
  test('bad configuration exits 1 listing every problem, without printing secret values', async () => {
    const child = runMain({
      PORT: '99999',
      BK_TRANSPORT: 'carrier-pigeon',
      BK_API_URL_TMPL: 'ftp://bkapi.example.com/',
      BK_APP_SECRET: 'super-secret-value-123',
      REDIS_URL: 'mysql://user:pw-secret-456@db',
    });
    const code = await exitOf(child);
    const { stdout, stderr } = child.output();
    expect(code).toBe(1);
    expect(stderr).toContain('bk-graph: invalid configuration');
    for (const name of ['PORT', 'BK_TRANSPORT', 'BK_API_URL_TMPL', 'REDIS_URL'])
      expect(stderr).toContain(name);
    expect(stdout + stderr).not.toContain('super-secret-value-123');
    expect(stdout + stderr).not.toContain('pw-secret-456');
  });

  test('an upstream without app credentials exits 1 naming BK_APP_CODE and BK_APP_SECRET', async () => {
    const child = runMain({ BK_COMPONENT_API_URL: 'http://paas.example.com', BK_TRANSPORT: 'esb' });
    const code = await exitOf(child);
    const { stderr } = child.output();
    expect(code).toBe(1);
    expect(stderr).toContain('BK_APP_CODE');
    expect(stderr).toContain('BK_APP_SECRET');
  });

  test('with no upstream configured it starts the sandbox, prints the GraphiQL URL, serves, and stops on SIGTERM', async () => {
    // The embedded store goes to a folder of the test's own (by default ./data of the checkout).
    const child = runMain({
      PORT: '0',
      SANDBOX_HOSTS: '200',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'bk-graph-main-')),
    });
    const exited = exitOf(child);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no listening line: ${JSON.stringify(child.output())}`)),
          // A fresh embedded store takes several seconds to initialise on these machines.
          60_000,
        );
        child.stdout?.on('data', () => {
          const match = /bk-graph listening on (http:\/\/127\.0\.0\.1:\d+) — GraphiQL: \1\/graphql/.exec(
            child.output().stdout,
          );
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      expect(child.output().stdout).toMatch(/sandbox mode: .* as user admin/);
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ me { username } }' }),
      });
      expect(await res.json()).toEqual({ data: { me: { username: 'admin' } } });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 90_000);
});
