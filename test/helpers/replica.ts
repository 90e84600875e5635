import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** A bk-graph process of its own (`src/main.ts` through tsx, as deployed), for multi-replica tests. */

const ROOT = join(__dirname, '..', '..');

export interface Replica {
  child: ChildProcess;
  url: string;
}

/** Starts `src/main.ts` through tsx; resolves with its URL once it prints its listening line. */
export function startReplica(env: Record<string, string>): Promise<Replica> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`replica did not start: ${output.slice(-2000)}`)),
      45_000,
    );
    const onData = (d: Buffer) => {
      output += d.toString();
      const match = /bk-graph listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`replica exited with ${code}: ${output.slice(-2000)}`));
    });
  });
}

export async function stopReplica(
  replica: Replica | undefined,
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<void> {
  const child = replica?.child;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}
