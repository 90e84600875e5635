import type { FastifyInstance } from 'fastify';

/**
 * One readiness condition. `check` resolves to null when ready, or to a short reason (safe to show:
 * no URLs, no secrets) when not. Checks must not throw; a throw is reported as not ready.
 */
export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<string | null>;
}

/** Longest a single readiness check may take before it counts as failed. */
const CHECK_TIMEOUT_MS = 2_000;

async function run(check: ReadinessCheck): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('did not answer in time'), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check.check().catch(() => 'check failed'), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `GET /healthz`: the process is alive. `GET /readyz`: it can serve (every check passes). */
export function registerHealthRoutes(app: FastifyInstance, checks: readonly ReadinessCheck[]): void {
  app.get('/healthz', async (_request, reply) =>
    reply.header('cache-control', 'no-store').send({ status: 'ok' }),
  );

  app.get('/readyz', async (_request, reply) => {
    const results = await Promise.all(checks.map(async (c) => [c.name, await run(c)] as const));
    const failed = results.filter(([, reason]) => reason !== null);
    const body = {
      status: failed.length ? 'unavailable' : 'ready',
      ...(failed.length ? { reason: failed.map(([name, reason]) => `${name}: ${reason}`).join('; ') } : {}),
      checks: Object.fromEntries(results.map(([name, reason]) => [name, reason ?? 'ok'])),
    };
    return reply
      .code(failed.length ? 503 : 200)
      .header('cache-control', 'no-store')
      .send(body);
  });
}
