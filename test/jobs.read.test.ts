import { randomUUID } from 'node:crypto';
import {
  type JobHostsAndLogsQuery,
  type JobPlanQuery,
  type JobPlansQuery,
  FastExecuteScriptDocument,
  JobDocument,
  JobHostsAndLogsDocument,
  JobPlanDocument,
  JobPlansDocument,
  ScriptsDocument,
} from './__generated__/graphql';
import { businessHosts, eventually, sandboxInstance } from './jobs.helpers';
import { bkFetch } from './helpers/sandbox';
import { startTestServer, type GraphQLResponse, type TestServer } from './helpers/server';

/**
 * The job read graph through the front door: plans, scripts and executions over GraphQL, every
 * value compared with the sandbox's own JOB and CMDB answers, upstream calls counted by the
 * sandbox. The sandbox is large enough for a business of more than 600 hosts.
 */

const NO_CACHE = { 'cache-control': 'no-cache' };
const ALICE = { 'x-bk-token': 'token-alice' };
let server: TestServer;
/** The business with the most hosts (over 600), and its hosts in id order. */
let bigBiz: { id: number; hosts: { bk_host_id: number; bk_host_innerip: string }[] };

async function job<T>(api: string, query: Record<string, string | number>): Promise<T> {
  const res = await bkFetch(server.sandboxUrl, `/api/bk-job/prod/api/v3/${api}`, {
    method: 'GET',
    query: { bk_scope_type: 'biz', ...query },
  });
  if (res.json?.result !== true) throw new Error(`sandbox ${api}: ${res.text.slice(0, 200)}`);
  return res.json.data as T;
}

async function callsOf(run: () => Promise<unknown>): Promise<Record<string, number>> {
  await server.resetStats();
  await run();
  const { calls } = await server.stats();
  delete calls['cmdb.resource_watch'];
  // The poller follows the jobs this server started, in app mode: not part of any query.
  delete calls['job.system.get_job_instance_status'];
  return calls;
}

beforeAll(async () => {
  server = await startTestServer({ SANDBOX_HOSTS: '26000', WATCH_ENABLED: '0' });
  const res = await bkFetch(server.sandboxUrl, '/api/bk-cmdb/prod/api/v3/biz/search/0', {
    body: { fields: ['bk_biz_id', 'default'], page: { start: 0, limit: 200 } },
  });
  const businesses = (res.json.data.info as { bk_biz_id: number; default: number }[]).filter(
    (b) => b.default === 0,
  );
  const sized = await Promise.all(
    businesses.map(async (b) => ({
      id: b.bk_biz_id,
      hosts: await businessHosts(server.sandboxUrl, b.bk_biz_id),
    })),
  );
  bigBiz = sized.sort((a, b) => b.hosts.length - a.hosts.length)[0]!;
}, 60_000);
afterAll(async () => {
  await server.close();
});

describe('jobPlans', () => {
  it('pages over get_job_plan_list as JOB lists the plans, one call per page', async () => {
    const biz = String(bigBiz.id);
    const truth = await job<{ total: number; data: { id: number; name: string; creator: string }[] }>(
      'get_job_plan_list',
      { bk_scope_id: biz, start: 0, length: 1000 },
    );
    const first = await server.graphql(JobPlansDocument, { businessId: biz, first: 2 });
    expect(first.body.errors).toBeUndefined();
    const page1 = first.body.data!.jobPlans;
    expect(page1.totalCount).toBe(truth.total);
    expect(page1.nodes.map((p) => p.id)).toEqual(truth.data.slice(0, 2).map((p) => String(p.id)));

    let body: GraphQLResponse<JobPlansQuery>['body'] | undefined;
    const calls = await callsOf(async () => {
      ({ body } = await server.graphql(JobPlansDocument, {
        businessId: biz,
        first: 2,
        after: page1.pageInfo.endCursor,
      }));
    });
    expect(calls).toEqual({ 'job.get_job_plan_list': 1 });
    expect(body!.data!.jobPlans.nodes).toEqual(
      truth.data
        .slice(2, 4)
        .map((p) => expect.objectContaining({ id: String(p.id), name: p.name, creator: p.creator })),
    );
  });

  it('refuses more than 1000 plans a page as BAD_USER_INPUT naming `first`, calling nothing', async () => {
    let res: GraphQLResponse<JobPlansQuery> | undefined;
    const calls = await callsOf(async () => {
      res = await server.graphql(JobPlansDocument, { businessId: String(bigBiz.id), first: 1001 });
    });
    expect(res!.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(calls).toEqual({});
  });
});

describe('jobPlan', () => {
  it('answers variables and steps as get_job_plan_detail has them, host lists through CMDB', async () => {
    const biz = String(bigBiz.id);
    const list = await job<{ data: { id: number }[] }>('get_job_plan_list', { bk_scope_id: biz, length: 1 });
    const planId = String(list.data[0]!.id);
    const truth = await job<{
      name: string;
      global_var_list: {
        id: number;
        name: string;
        type: number;
        value?: string;
        server?: { ip_list: { bk_host_id: number; ip: string }[] };
      }[];
      step_list: { id: number; name: string; type: number }[];
    }>('get_job_plan_detail', { bk_scope_id: biz, job_plan_id: planId });

    let res: GraphQLResponse<JobPlanQuery> | undefined;
    const calls = await callsOf(async () => {
      res = await server.graphql(JobPlanDocument, { businessId: biz, id: planId }, NO_CACHE);
    });
    expect(res!.body.errors).toBeUndefined();
    // The plan detail, and the host list variable's hosts in one CMDB call.
    expect(calls).toEqual({ 'job.get_job_plan_detail': 1, 'cmdb.list_biz_hosts_topo': 1 });
    const plan = res!.body.data!.jobPlan!;
    expect(plan.name).toBe(truth.name);
    const types = ['', 'STRING', 'NAMESPACE', 'HOST_LIST', 'PASSWORD', 'ARRAY'];
    expect(plan.variables.map((v) => [v.id, v.name, v.type])).toEqual(
      truth.global_var_list.map((v) => [String(v.id), v.name, types[v.type]]),
    );
    for (const v of plan.variables) {
      const source = truth.global_var_list.find((t) => String(t.id) === v.id)!;
      if (v.type === 'HOST_LIST') {
        expect(v.value).toBeNull();
        expect(v.hosts!.map((h) => [h.id, h.innerIp])).toEqual(
          source.server!.ip_list.map((h) => [String(h.bk_host_id), h.ip]),
        );
      } else {
        expect(v.hosts).toBeNull();
        expect(v.value).toBe(v.type === 'PASSWORD' ? null : (source.value ?? null));
      }
    }
    const stepTypes = ['', 'SCRIPT', 'FILE', 'MANUAL_CONFIRM', 'SQL'];
    expect(plan.steps).toEqual(
      truth.step_list.map((s) => ({ id: String(s.id), name: s.name, type: stepTypes[s.type] })),
    );
  });

  it('is null for a plan the business does not have, and BAD_USER_INPUT for a malformed id', async () => {
    const unknown = await server.graphql(JobPlanDocument, { businessId: String(bigBiz.id), id: '999999' });
    expect(unknown.body).toEqual({ data: { jobPlan: null } });
    const malformed = await server.graphql(JobPlanDocument, { businessId: String(bigBiz.id), id: 'plan-1' });
    expect(malformed.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
  });
});

describe('scripts', () => {
  it('lists a business’s scripts of one language as get_script_list does, with their online versions', async () => {
    const biz = String(bigBiz.id);
    const truth = await job<{
      total: number;
      data: {
        id: string;
        name: string;
        script_language: number;
        online_script_version_id: number | null;
        creator: string;
        last_modify_time: number;
      }[];
    }>('get_script_list', { bk_scope_id: biz, script_language: 1, length: 1000 });
    const res = await server.graphql(ScriptsDocument, { businessId: biz, language: 'SHELL', first: 100 });
    expect(res.body.errors).toBeUndefined();
    const scripts = res.body.data!.scripts;
    expect(scripts.totalCount).toBe(truth.total);
    expect(scripts.nodes).toEqual(
      truth.data.map((s) => ({
        id: s.id,
        name: s.name,
        language: 'SHELL',
        onlineVersionId: s.online_script_version_id === null ? null : String(s.online_script_version_id),
        creator: s.creator,
        updatedAt: new Date(s.last_modify_time).toISOString(),
      })),
    );
    // Every business has a draft-only script: it lists without an online version.
    expect(scripts.nodes.some((s) => s.name === 'draft_migration.sh' && s.onlineVersionId === null)).toBe(
      true,
    );
  });
});

describe('job', () => {
  it('is null for an execution JOB does not have, BAD_USER_INPUT for a malformed id', async () => {
    const unknown = await server.graphql(JobDocument, { businessId: String(bigBiz.id), id: '12345' });
    expect(unknown.body).toEqual({ data: { job: null } });
    const malformed = await server.graphql(JobDocument, { businessId: String(bigBiz.id), id: 'job-7' });
    expect(malformed.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(malformed.body.data).toEqual({ job: null });
  });

  it('is FORBIDDEN with the permission for a business the caller may not see', async () => {
    // alice sees the second to fourth normal businesses only; the first is hidden from her.
    const res = await server.graphql(JobDocument, { businessId: '2', id: '12345' }, ALICE);
    expect(res.body.data).toEqual({ job: null });
    expect(res.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      permission: expect.objectContaining({ system_id: 'bk_job' }),
    });
  });
});

describe('a finished job over 600 hosts', () => {
  let jobId: string;
  let hostIds: string[];

  beforeAll(async () => {
    expect(bigBiz.hosts.length).toBeGreaterThanOrEqual(600);
    hostIds = bigBiz.hosts.slice(0, 600).map((h) => String(h.bk_host_id));
    const res = await server.graphql(FastExecuteScriptDocument, {
      input: {
        businessId: String(bigBiz.id),
        script: 'echo "hello from bk-graph"\n',
        language: 'SHELL',
        accountAlias: 'root',
        hostIds,
        idempotencyKey: randomUUID(),
      },
    });
    expect(res.body.errors).toBeUndefined();
    jobId = res.body.data!.fastExecuteScript.job.id;
    await eventually(async () =>
      (await sandboxInstance(server.sandboxUrl, jobId)).finished ? true : undefined,
    );
  });

  it('reads its logs in two calls per step and its hosts in the fewest CMDB calls, as JOB and CMDB hold them', async () => {
    let res: GraphQLResponse<JobHostsAndLogsQuery> | undefined;
    const calls = await callsOf(async () => {
      res = await server.graphql(
        JobHostsAndLogsDocument,
        { businessId: String(bigBiz.id), id: jobId },
        NO_CACHE,
      );
    });
    expect(res!.body.errors).toBeUndefined();
    // ⌈600 / 500⌉ = 2 log calls for the one step, 2 host pages of ≤500 ids.
    expect(calls).toEqual({
      'job.get_job_instance_status': 1,
      'job.batch_get_job_instance_ip_log': 2,
      'cmdb.list_biz_hosts_topo': 2,
    });
    const truth = await sandboxInstance(server.sandboxUrl, jobId);
    const [step] = res!.body.data!.job!.steps;
    expect(step!.hosts.map((h) => h.hostId)).toEqual(truth.steps[0]!.hosts.map((h) => String(h.bk_host_id)));
    const ipOf = new Map(bigBiz.hosts.map((h) => [String(h.bk_host_id), h.bk_host_innerip.split(',')[0]]));
    for (const [i, h] of step!.hosts.entries()) {
      expect(h.host?.innerIp).toBe(ipOf.get(h.hostId!));
      const code = truth.steps[0]!.hosts[i]!.status;
      expect(h.status).toBe(code === 9 ? 'SUCCESS' : 'FAILED');
      expect(h.log).toContain(code === 9 ? 'hello from bk-graph' : 'agent is not alive');
    }
  });

  it('is answered from the caller’s cache once finished: no JOB call the second time', async () => {
    await server.graphql(JobHostsAndLogsDocument, { businessId: String(bigBiz.id), id: jobId });
    const calls = await callsOf(() =>
      server.graphql(JobHostsAndLogsDocument, { businessId: String(bigBiz.id), id: jobId }),
    );
    expect(calls).toEqual({});
  });
});
