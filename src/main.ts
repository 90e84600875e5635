import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig, pointAtSandbox } from './config';
import type { Config } from './config';
import { createLogger } from './logger';
import { startEmbeddedSandbox } from './sandbox/server';
import { createServer } from './server';

/** Longest a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

function readConfig(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // ConfigError problems name variables and rules only, never values (secrets stay unprinted).
    process.stderr.write(
      `bk-graph: invalid configuration\n${error.problems.map((p) => `  - ${p}\n`).join('')}`,
    );
    process.exit(1);
  }
}

async function main(): Promise<void> {
  let config = readConfig();
  const logger = createLogger(config.logLevel);

  if (!config.databaseUrl && !existsSync(join(config.dataDir, 'PG_VERSION')))
    process.stdout.write(
      `bk-graph: creating the embedded store in ${config.dataDir} (first start only; it takes a few seconds)\n`,
    );
  const sandbox = config.sandboxMode ? await startEmbeddedSandbox(config.sandbox) : null;
  if (sandbox) config = pointAtSandbox(config, sandbox.url);

  const server = await createServer(config, { logger, ...(sandbox ? { sandboxUrl: sandbox.url } : {}) });
  const url = await server.listen();
  const sandboxLine = sandbox
    ? `sandbox mode: no BlueKing configured, running against the embedded sandbox (${sandbox.url}) as user admin; ` +
      'send X-Bk-Token token-alice / token-bob (or Bearer at-admin / at-alice / at-bob) to act as someone else\n'
    : '';
  process.stdout.write(`bk-graph listening on ${url} — GraphiQL: ${url}/graphql\n${sandboxLine}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
    server
      .close()
      .then(() => sandbox?.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(
            { err: { message: error instanceof Error ? error.message : String(error) } },
            'shutdown failed',
          );
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bk-graph: could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
