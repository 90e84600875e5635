import { setTimeout as sleep } from 'node:timers/promises';
import { isUpstreamError } from '../../src/errors';
import type { UpstreamError } from '../../src/errors';
import type { Clients } from '../../src/upstream/clients';
import type { Business, JobInstance } from '../../src/upstream/domain';
import { asUser, startClientsHarness, TRANSPORTS } from './clients-harness';
import type { ClientsHarness } from './clients-harness';
import { defaultRetryOptions } from '../../src/upstream/http/retry';

let h: ClientsHarness;
let biz: Business;
let hostIds: string[];

beforeAll(async () => {
  h = await startClientsHarness();
  const cmdb = h.clients('apigw').cmdb;
  for (const b of await cmdb.allBusinesses({}, asUser('admin'))) {
    const hosts = await cmdb.listBizHosts({ bizId: b.id, start: 0, limit: 3 }, asUser('admin'));
    if (hosts.items.length >= 2 && !b.isResourcePool) {
      biz = b;
      hostIds = hosts.items.map((x) => x.id);
      break;
    }
  }
});
afterAll(() => h.close());

/** Polls until JOB says the instance finished (the sandbox moves a step every few ms). */
async function finished(clients: Clients, jobInstanceId: string): Promise<JobInstance> {
  for (let i = 0; i < 200; i++) {
    const job = await clients.job.jobInstanceStatus({ bizId: biz.id, jobInstanceId }, asUser('admin'));
    if (job.finished) return job;
    await sleep(25);
  }
  throw new Error(`job ${jobInstanceId} did not finish`);
}

describe.each(TRANSPORTS)('job client over %s', (transport) => {
  const clients = () => h.clients(transport);

  it('lists plans with a total and reads one plan’s variables and steps', async () => {
    const page = await clients().job.planList({ bizId: biz.id, start: 0, limit: 2 }, asUser('admin'));
    expect(page.count).toBeGreaterThanOrEqual(page.items.length);
    expect(page.items.length).toBeGreaterThan(0);
    const plan = page.items[0]!;
    expect(plan).toMatchObject({ id: expect.stringMatching(/^\d+$/), businessId: biz.id });
    expect(plan.createdAt).toBeInstanceOf(Date);
    const detail = await clients().job.planDetail({ bizId: biz.id, planId: plan.id }, asUser('admin'));
    expect(detail).toMatchObject({ id: plan.id, name: plan.name });
    expect(detail.steps.length).toBeGreaterThan(0);
    expect(detail.variables.filter((v) => v.type === 'PASSWORD').every((v) => v.value === null)).toBe(true);
  });

  it('runs a plan to the end and reads its per-host results and logs', async () => {
    const plans = await clients().job.planList({ bizId: biz.id, start: 0, limit: 100 }, asUser('admin'));
    let planId: string | undefined;
    for (const p of plans.items) {
      const d = await clients().job.planDetail({ bizId: biz.id, planId: p.id }, asUser('admin'));
      // A manual-confirmation step waits for a person: pick a plan that runs by itself.
      if (d.steps.every((s) => s.type !== 'MANUAL')) {
        planId = p.id;
        break;
      }
    }
    expect(planId).toBeDefined();
    const launch = await clients().job.executeJobPlan({ bizId: biz.id, planId: planId! }, asUser('admin'));
    expect(launch.jobInstanceId).toMatch(/^\d+$/);

    const job = await finished(clients(), launch.jobInstanceId);
    expect(job).toMatchObject({ id: launch.jobInstanceId, businessId: biz.id, finished: true });
    expect(job.startedAt).toBeInstanceOf(Date);
    expect(job.endedAt).toBeInstanceOf(Date);
    const step = job.steps.find((s) => s.hosts.length > 0)!;
    expect(step.hosts[0]).toMatchObject({
      hostId: expect.stringMatching(/^\d+$/),
      status: expect.any(String),
    });

    const ids = step.hosts.map((x) => x.hostId!);
    const logs = await clients().job.batchHostLogs(
      { bizId: biz.id, jobInstanceId: job.id, stepInstanceId: step.id, hostIds: ids },
      asUser('admin'),
    );
    expect(logs.map((l) => l.hostId).sort()).toEqual([...ids].sort());
    const one = await clients().job.hostLog(
      { bizId: biz.id, jobInstanceId: job.id, stepInstanceId: step.id, hostId: ids[0]! },
      asUser('admin'),
    );
    expect(one).toMatchObject({ hostId: ids[0], logType: logs[0]!.logType });
  });

  it('runs a plain-text script on hosts and reports each host', async () => {
    const launch = await clients().job.fastExecuteScript(
      {
        bizId: biz.id,
        script: 'echo "hello $1"',
        language: 'SHELL',
        params: 'world',
        accountAlias: 'root',
        hostIds,
        name: 'clients test',
      },
      asUser('admin'),
    );
    expect(launch.stepInstanceId).toMatch(/^\d+$/);
    const job = await finished(clients(), launch.jobInstanceId);
    expect(job.steps).toHaveLength(1);
    expect(job.steps[0]!.type).toBe('SCRIPT');
    expect(job.steps[0]!.hosts.map((x) => x.hostId).sort()).toEqual([...hostIds].sort());
  });

  it('fails with FORBIDDEN and the IAM permission when bob lists plans', async () => {
    const err = (await clients()
      .job.planList({ bizId: biz.id, start: 0, limit: 5 }, asUser('bob'))
      .catch((e: unknown) => e)) as UpstreamError;
    expect(isUpstreamError(err)).toBe(true);
    expect(err.kind).toBe('permission');
    expect(err.upstream).toMatchObject({ system: 'job', code: 9900403 });
    expect(err.extra.permission).toMatchObject({ system_id: 'bk_job', actions: expect.any(Array) });
  });
});

describe('job client writes', () => {
  it('never repeats a script start the gateway failed, while a read is retried', async () => {
    const c = h.retryingClients('apigw');
    await h.sandbox.reset();
    await h.sandbox.faults({ errorRate: 1 });
    try {
      await expect(
        c.job.planList({ bizId: biz.id, start: 0, limit: 1 }, asUser('admin')),
      ).rejects.toMatchObject({
        kind: 'gateway',
      });
      await expect(
        c.job.fastExecuteScript(
          { bizId: biz.id, script: 'true', language: 'SHELL', accountAlias: 'root', hostIds },
          asUser('admin'),
        ),
      ).rejects.toMatchObject({ kind: 'gateway' });
    } finally {
      await h.sandbox.faults({});
    }
    const calls = (await h.sandbox.stats()).calls;
    // The read used every attempt the caller allows; the start was sent once.
    expect(calls['job.get_job_plan_list']).toBe(defaultRetryOptions.maxAttempts);
    expect(calls['job.fast_execute_script']).toBe(1);
  });

  it('rejects a script without an account before calling JOB', async () => {
    await expect(
      h
        .clients('apigw')
        .job.fastExecuteScript(
          { bizId: biz.id, script: 'true', language: 'SHELL', hostIds },
          asUser('admin'),
        ),
    ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'accountAlias' } });
  });
});
