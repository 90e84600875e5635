import { bkFetch } from '../helpers/sandbox';

/** What the JOB tests share: scopes, hosts with live agents, waiting for a job to finish. */

export const JOB = '/api/bk-job/prod/api/v3';
export const JOB_ESB = '/api/c/compapi/v2/jobv3';
export const biz = (id: number) => ({ bk_scope_type: 'biz', bk_scope_id: String(id) });
export const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

export interface Host {
  bk_host_id: number;
  bk_cloud_id: number;
  ip: string;
}

/** Hosts of a business with a single inner IPv4, their GSE agents set running (alive). */
export async function liveHosts(url: string, bizId: number, n: number): Promise<Host[]> {
  const res = await bkFetch(url, `/api/bk-cmdb/prod/api/v3/hosts/app/${bizId}/list_hosts`, {
    body: {
      bk_biz_id: bizId,
      fields: ['bk_host_id', 'bk_cloud_id', 'bk_host_innerip'],
      page: { start: 0, limit: 500 },
    },
  });
  const out: Host[] = [];
  for (const h of res.json.data.info as Array<Record<string, unknown>>) {
    if (out.length === n) break;
    const ip = String(h.bk_host_innerip);
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip)) continue;
    const host = { bk_host_id: Number(h.bk_host_id), bk_cloud_id: Number(h.bk_cloud_id), ip };
    const set = await fetch(`${url}/_sandbox/gse/agents/${encodeURIComponent(`${host.bk_cloud_id}:${ip}`)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status_code: 2 }),
    });
    if (set.status === 200) out.push(host);
  }
  if (out.length < n) throw new Error(`business ${bizId} has fewer than ${n} hosts with an agent`);
  return out;
}

/** Polls get_job_instance_status (as admin) until the job finished; resolves to its data. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw JSON
export async function waitFinished(url: string, bizId: number, jobId: number): Promise<any> {
  for (let i = 0; i < 300; i++) {
    const res = await bkFetch(url, `${JOB}/get_job_instance_status`, {
      query: { ...biz(bizId), job_instance_id: jobId, return_ip_result: true },
    });
    if (res.json.data?.finished) return res.json.data;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`job ${jobId} did not finish`);
}

/** A fast_execute_script body running inline shell on `hosts`. */
export function inlineScript(
  bizId: number,
  hosts: Host[],
  script: string,
  extra: Record<string, unknown> = {},
) {
  return {
    ...biz(bizId),
    script_content: b64(script),
    script_language: 1,
    account_alias: 'root',
    target_server: { host_id_list: hosts.map((h) => h.bk_host_id) },
    ...extra,
  };
}
