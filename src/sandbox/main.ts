import { ConfigError, loadSandboxConfig } from '../config';
import { startConfiguredSandbox } from './server';

/** `npm run sandbox`: the embedded BlueKing on its own, configured from SANDBOX_* variables. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadSandboxConfig>;
  try {
    config = loadSandboxConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const sandbox = await startConfiguredSandbox(config, { host: config.host, port: config.port });
  process.stdout.write(
    `BlueKing sandbox listening on ${sandbox.url} (app ${config.appCode}; bk_tokens token-admin, token-alice, token-bob; access_tokens at-admin, at-alice, at-bob)\n`,
  );
  const stop = () => {
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

void main().catch((err: unknown) => {
  process.stderr.write(`sandbox failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
