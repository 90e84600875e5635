import type { BkFetchOptions, TestSandbox } from '../helpers/sandbox';
import { bkFetch, startTestSandbox } from '../helpers/sandbox';
import type { Host } from './job-support';
import { biz, inlineScript, JOB, liveHosts, waitFinished } from './job-support';

/** JOB's app-mode resources /api/v3/system/<name>: app verified, operator from X-Bk-Username or JWT. */

const SYSTEM = `${JOB}/system`;
/** The app alone: no bk_token, no access_token, no bk_username. */
const APP_ONLY = {};

let sb: TestSandbox;
let hosts: Host[];
let job: { id: number; step: number };

beforeAll(async () => {
  sb = await startTestSandbox();
  hosts = await liveHosts(sb.url, 2, 1);
  const res = await bkFetch(sb.url, `${JOB}/fast_execute_script`, {
    body: inlineScript(2, hosts, 'echo "background read"'),
  });
  job = { id: res.json.data.job_instance_id, step: res.json.data.step_instance_id };
  await waitFinished(sb.url, 2, job.id);
});
afterAll(async () => {
  await sb.close();
});

/** Every app-mode read, as (name, request options) with the operator left to the caller. */
function reads(): Array<[string, BkFetchOptions]> {
  const ids = { ...biz(2), job_instance_id: job.id, step_instance_id: job.step };
  return [
    ['get_job_instance_status', { query: { ...biz(2), job_instance_id: job.id } }],
    ['batch_get_job_instance_ip_log', { body: { ...ids, host_id_list: [hosts[0]!.bk_host_id] } }],
    ['get_job_instance_ip_log', { query: { ...ids, host_id: hosts[0]!.bk_host_id } }],
    ['get_job_plan_list', { query: biz(2) }],
    ['get_job_plan_detail', { query: { ...biz(2), job_plan_id: 0 } }],
    ['get_script_list', { query: biz(2) }],
  ];
}

describe('JOB app-mode (/api/v3/system/) reads', () => {
  it('serves each read to the app for the X-Bk-Username operator, with no user credential', async () => {
    const plans = await bkFetch(sb.url, `${SYSTEM}/get_job_plan_list`, {
      query: biz(2),
      auth: APP_ONLY,
      headers: { 'X-Bk-Username': 'admin' },
    });
    const planId = plans.json.data.data[0].id as number;
    for (const [name, opts] of reads()) {
      const query = name === 'get_job_plan_detail' ? { ...opts.query, job_plan_id: planId } : opts.query;
      const res = await bkFetch(sb.url, `${SYSTEM}/${name}`, {
        ...opts,
        query,
        auth: APP_ONLY,
        headers: { 'X-Bk-Username': 'admin' },
      });
      expect({ name, status: res.status, result: res.json.result, code: res.json.code }).toEqual({
        name,
        status: 200,
        result: true,
        code: 0,
      });
      expect(typeof res.json.job_request_id).toBe('string');
    }
  });

  it('answers the same data as the user resource', async () => {
    const user = await bkFetch(sb.url, `${JOB}/get_job_instance_status`, {
      query: { ...biz(2), job_instance_id: job.id, return_ip_result: true },
    });
    const app = await bkFetch(sb.url, `${SYSTEM}/get_job_instance_status`, {
      query: { ...biz(2), job_instance_id: job.id, return_ip_result: true },
      auth: APP_ONLY,
      headers: { 'X-Bk-Username': 'admin' },
    });
    expect(app.json.data).toEqual(user.json.data);
  });

  it('takes the operator from the unverified bk_username when X-Bk-Username is absent', async () => {
    const hers = await bkFetch(sb.url, `${SYSTEM}/get_job_plan_list`, {
      query: biz(3),
      auth: { username: 'alice' },
    });
    expect(hers.json.result).toBe(true);
    const notHers = await bkFetch(sb.url, `${SYSTEM}/get_job_plan_list`, {
      query: biz(2),
      auth: { username: 'alice' },
    });
    expect(notHers.json).toMatchObject({
      result: false,
      code: 9900403,
      message:
        'User (alice) permission not allowed, please confirm and apply permission in IAM and try again',
    });
    expect(notHers.json.permission.actions[0].id).toBe('view_job_plan');
  });

  it('checks permissions as X-Bk-Username even when the credential names someone else', async () => {
    for (const auth of [{ username: 'admin' }, { bkToken: 'token-admin' }]) {
      const res = await bkFetch(sb.url, `${SYSTEM}/get_script_list`, {
        query: biz(2),
        auth,
        headers: { 'X-Bk-Username': 'bob' },
      });
      expect(res.json).toMatchObject({ result: false, code: 9900403 });
      expect(res.json.message).toContain('User (bob)');
      expect(res.json.permission.actions[0].id).toBe('view_script');
    }
  });

  it('answers HTTP 401 1247002 "Missing user info" when there is no operator at all', async () => {
    for (const [name, opts] of reads()) {
      const res = await bkFetch(sb.url, `${SYSTEM}/${name}`, { ...opts, auth: APP_ONLY });
      expect({ name, status: res.status }).toEqual({ name, status: 401 });
      expect(res.json).toMatchObject({ result: false, code: 1247002, message: 'Missing user info' });
    }
  });

  it('still requires a verified app', async () => {
    const res = await bkFetch(sb.url, `${SYSTEM}/get_job_plan_list`, {
      query: biz(2),
      auth: { appSecret: 'wrong' },
      headers: { 'X-Bk-Username': 'admin' },
    });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: 1640001, code_name: 'INVALID_ARGS' });
  });

  it('keeps the user resources user-verified: a bare bk_username is refused there', async () => {
    const res = await bkFetch(sb.url, `${JOB}/get_job_plan_list`, {
      query: biz(2),
      auth: { username: 'admin' },
      headers: { 'X-Bk-Username': 'admin' },
    });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe(1640001);
  });

  it('keeps the documented verb: POST to a GET resource is the gateway 404', async () => {
    const res = await bkFetch(sb.url, `${SYSTEM}/get_job_plan_list`, {
      method: 'POST',
      body: biz(2),
      auth: APP_ONLY,
      headers: { 'X-Bk-Username': 'admin' },
    });
    expect(res.status).toBe(404);
    expect(res.json.code).toBe(1640401);
  });

  it('counts app-mode calls as job.system.<api>, apart from user calls', async () => {
    await sb.reset();
    await bkFetch(sb.url, `${SYSTEM}/get_job_instance_status`, {
      query: { ...biz(2), job_instance_id: job.id },
      auth: APP_ONLY,
      headers: { 'X-Bk-Username': 'admin' },
    });
    await bkFetch(sb.url, `${SYSTEM}/get_job_instance_status`, {
      query: { ...biz(2), job_instance_id: job.id },
      auth: APP_ONLY,
    });
    await bkFetch(sb.url, `${JOB}/get_job_instance_status`, {
      query: { ...biz(2), job_instance_id: job.id },
    });
    expect(await sb.stats()).toEqual({
      calls: { 'job.get_job_instance_status': 1, 'job.system.get_job_instance_status': 2 },
      total: 3,
    });
  });
});
