/**
 * Per-query setups (`"setup": "<name>"` in a query's .json): state a query needs that the seeded
 * sandbox does not have, made before the query is derived and measured, over the sandbox's own
 * APIs (as admin) and control endpoints. A setup answers `values` (in the query's expressions as
 * `setup.<name>`, read back from the sandbox, never typed in) and a teardown that puts the
 * sandbox's data back as seeded, so the queries after it see the world that was read.
 */
import type { World } from './sandbox-world';

export interface SetupResult {
  values: Record<string, unknown>;
  teardown(): Promise<void>;
}

type Setup = (sandboxUrl: string, world: World) => Promise<SetupResult>;

const APP = { bk_app_code: 'bk-graph', bk_app_secret: 'sandbox-secret', bk_token: 'token-admin' };

async function api<T>(sandboxUrl: string, path: string, body: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${sandboxUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Bkapi-Authorization': JSON.stringify(APP) },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { result?: boolean; message?: string; data?: T };
  if (!res.ok || json.result === false || json.data === undefined)
    throw new Error(`sandbox ${path} answered ${res.status}: ${json.message ?? 'no data'}`);
  return json.data;
}

async function control<T>(sandboxUrl: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sandboxUrl}/_sandbox${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`sandbox ${path} answered ${res.status}`);
  return (await res.json()) as T;
}

interface WireHostTopo {
  host: { bk_host_id: number };
  topo: { module: { bk_module_id: number }[] }[];
}

/** A business's hosts as CMDB lists them now (every page), with their modules. */
async function hostsOf(sandboxUrl: string, bizId: string): Promise<WireHostTopo[]> {
  const hosts: WireHostTopo[] = [];
  for (let start = 0; ; start += 500) {
    const page = await api<{ count: number; info: WireHostTopo[] }>(
      sandboxUrl,
      `/api/bk-cmdb/prod/api/v3/hosts/app/${bizId}/list_hosts_topo`,
      { bk_biz_id: Number(bizId), fields: ['bk_host_id'], page: { start, limit: 500 } },
    );
    hosts.push(...page.info);
    if (start + 500 >= page.count) return hosts;
  }
}

interface SandboxInstance {
  finished: boolean;
  steps: { hosts: { bk_host_id: number }[] }[];
}

/** The job JOB records as `id`, once it is finished. */
async function finishedInstance(
  sandboxUrl: string,
  id: number,
  timeoutMs = 120_000,
): Promise<SandboxInstance> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = await control<SandboxInstance>(sandboxUrl, `/job/instances/${id}`);
    if (job.finished) return job;
    if (Date.now() > until) throw new Error(`job ${id} did not finish within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * `jobLogs`: a finished script run over `TARGET_HOSTS` hosts of one business. The business with
 * the most hosts is used; when it has fewer (the seed spreads hosts over up to 40 businesses:
 * about 500 each at 20000 hosts), hosts of other businesses are first moved into one of its
 * modules, as an operator would transfer them (`/_sandbox/cmdb/hosts/{id}/transfer`); the
 * teardown re-seeds the data. Values: `bizId`, `jobId`, `steps` (hosts per step, as JOB ran
 * them) and `hostsInBusiness` (of the job's hosts, those CMDB lists in the business now).
 */
const TARGET_HOSTS = 600;

const finishedJob: Setup = async (sandboxUrl, world) => {
  const normal = world.businesses.filter((b) => !b.isResourcePool);
  const sizeOf = (id: string) => world.hosts.get(id)?.length ?? 0;
  const target = [...normal].sort((a, b) => sizeOf(b.id) - sizeOf(a.id))[0];
  if (!target) throw new Error('the sandbox has no normal business');
  const bizId = target.id;

  let moved = 0;
  const present = await hostsOf(sandboxUrl, bizId);
  const moduleId = present[0]?.topo[0]?.module[0]?.bk_module_id;
  if (present.length < TARGET_HOSTS) {
    if (moduleId === undefined) throw new Error(`business ${bizId} has no host to take a module from`);
    const donors = normal.filter((b) => b.id !== bizId).flatMap((b) => world.hosts.get(b.id) ?? []);
    for (const host of donors.slice(0, TARGET_HOSTS - present.length)) {
      await control(sandboxUrl, `/cmdb/hosts/${host.id}/transfer`, { bk_module_ids: [moduleId] });
      moved++;
    }
  }
  const teardown = async () => {
    if (moved > 0) await control(sandboxUrl, '/reset?data=1', {});
  };

  try {
    const inBiz = await hostsOf(sandboxUrl, bizId);
    if (inBiz.length < TARGET_HOSTS) throw new Error(`business ${bizId} has only ${inBiz.length} hosts`);
    const hostIds = inBiz
      .map((h) => h.host.bk_host_id)
      .sort((a, b) => a - b)
      .slice(0, TARGET_HOSTS);
    const started = await api<{ job_instance_id: number }>(
      sandboxUrl,
      '/api/bk-job/prod/api/v3/fast_execute_script',
      {
        bk_scope_type: 'biz',
        bk_scope_id: bizId,
        script_content: Buffer.from('echo "bench jobLogs"\n').toString('base64'),
        script_language: 1,
        account_alias: 'root',
        task_name: 'bench jobLogs',
        target_server: { host_id_list: hostIds },
      },
    );
    const job = await finishedInstance(sandboxUrl, started.job_instance_id);
    const inBizIds = new Set(inBiz.map((h) => h.host.bk_host_id));
    const jobHosts = new Set(job.steps.flatMap((s) => s.hosts.map((h) => h.bk_host_id)));
    return {
      values: {
        bizId,
        jobId: String(started.job_instance_id),
        steps: job.steps.map((s) => ({ hosts: s.hosts.length })),
        hostsInBusiness: [...jobHosts].filter((id) => inBizIds.has(id)).length,
        movedHosts: moved,
      },
      teardown,
    };
  } catch (error) {
    await teardown();
    throw error;
  }
};

const SETUPS: Readonly<Record<string, Setup>> = { finishedJob };

/** Runs the named setup (none: no values, nothing to undo). */
export async function runSetup(
  name: string | undefined,
  sandboxUrl: string,
  world: World,
): Promise<SetupResult> {
  if (name === undefined) return { values: {}, teardown: async () => undefined };
  const setup = SETUPS[name];
  if (!setup) throw new Error(`no bench setup named ${name} (known: ${Object.keys(SETUPS).join(', ')})`);
  return setup(sandboxUrl, world);
}
