import type { ReplayWorld } from './world';
import { ReplaySetupError } from './world';

/**
 * Per-API substitutions: fixture requests name the doc's data (biz 2, job instance 100, sn
 * NO2019...), which the sandbox does not have. Each function swaps those values for real ones
 * found or made through `ReplayWorld`, keeping the request's structure, and records every swap.
 */

type Json = Record<string, unknown>;

export interface Draft {
  pathParams: Json;
  query: Json;
  body: unknown;
  /** The fixture's expected body; only dynamic map keys (GSE `cloud:ip`) are ever rewritten. */
  expected: unknown;
  variant: string;
  /** Human-readable record of every value replaced or precondition made. */
  subs: string[];
}

export type Prepare = (world: ReplayWorld, d: Draft) => Promise<void>;

function isObj(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The object at `path` inside `root`, or a setup error naming what the fixture lacks. */
function at(root: unknown, where: string, ...path: Array<string | number>): Json {
  let cur: unknown = root;
  for (const p of path) {
    cur = Array.isArray(cur) && typeof p === 'number' ? cur[p] : isObj(cur) ? cur[String(p)] : undefined;
  }
  if (!isObj(cur)) throw new ReplaySetupError(`fixture request has no object at ${where}.${path.join('.')}`);
  return cur;
}

/** Replaces `target[key]` (which the fixture must have) and records it. */
function swap(d: Draft, target: Json, key: string, value: unknown, label: string): void {
  if (!(key in target)) throw new ReplaySetupError(`fixture request has no ${label}`);
  const before = JSON.stringify(target[key]);
  const after = JSON.stringify(value);
  if (before !== after) d.subs.push(`${label}: ${before} → ${after}`);
  target[key] = value;
}

function body(d: Draft): Json {
  if (!isObj(d.body)) throw new ReplaySetupError('fixture request has no JSON object body');
  return d.body;
}

/** "YYYY-MM-DD HH:MM:SS" (+08:00), CMDB's time_condition format, `deltaMs` away from `iso`. */
function cmdbCondTime(iso: string, deltaMs: number): string {
  const ms = Date.parse(iso) + deltaMs + 8 * 3_600_000;
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

const DAY = 86_400_000;

async function bizScope(world: ReplayWorld, d: Draft, target: Json, where: string): Promise<void> {
  const w = await world.cmdb();
  swap(d, target, 'bk_scope_id', String(w.biz.id), `${where}.bk_scope_id`);
}

const cmdbBiz = async (world: ReplayWorld, d: Draft, pathKey = true): Promise<number> => {
  const w = await world.cmdb();
  if (pathKey) swap(d, d.pathParams, 'bk_biz_id', w.biz.id, 'path bk_biz_id');
  swap(d, body(d), 'bk_biz_id', w.biz.id, 'body.bk_biz_id');
  return w.biz.id;
};

async function listBizHosts(world: ReplayWorld, d: Draft, esb: boolean): Promise<void> {
  const w = await world.cmdb();
  await cmdbBiz(world, d, !esb);
  const b = body(d);
  swap(d, at(b, 'body', 'set_cond', 0), 'value', w.set.name, 'body.set_cond[0].value');
  swap(d, b, 'bk_module_ids', [w.module.id, w.otherModuleId], 'body.bk_module_ids');
  const rule = at(b, 'body', 'host_property_filter', 'rules', 0);
  swap(d, rule, 'value', w.hosts[0].ip, 'body.host_property_filter.rules[0].value');
}

async function jobLog(world: ReplayWorld, d: Draft, target: Json, where: string, batch: boolean) {
  const w = await world.cmdb();
  await bizScope(world, d, target, where);
  const file = d.variant.includes('file');
  const job = file ? await world.planJob() : await world.scriptJob();
  const step = job.stepByType.get(file ? 2 : 1);
  if (step === undefined)
    throw new ReplaySetupError(`job ${job.jobInstanceId} has no ${file ? 'file' : 'script'} step`);
  d.subs.push(
    `precondition: ${file ? 'execute_job_plan (plan with a file step)' : 'fast_execute_script'} run on hosts ${w.hosts[0].bk_host_id}, ${w.hosts[1].bk_host_id} until finished`,
  );
  const id = (v: number) => (batch ? v : String(v));
  swap(d, target, 'job_instance_id', id(job.jobInstanceId), `${where}.job_instance_id`);
  swap(d, target, 'step_instance_id', id(step), `${where}.step_instance_id`);
  if (batch) {
    swap(d, target, 'host_id_list', [w.hosts[0].bk_host_id, w.hosts[1].bk_host_id], `${where}.host_id_list`);
  } else {
    swap(d, target, 'bk_cloud_id', String(w.hosts[0].bk_cloud_id), `${where}.bk_cloud_id`);
    swap(d, target, 'ip', w.hosts[0].ip, `${where}.ip`);
  }
}

/** Server objects of JOB requests: `host_id_list` and `topo_node_list` ids; dynamic groups stay. */
async function jobServer(world: ReplayWorld, d: Draft, server: Json, where: string): Promise<void> {
  const w = await world.cmdb();
  swap(d, server, 'host_id_list', [w.hosts[0].bk_host_id, w.hosts[1].bk_host_id], `${where}.host_id_list`);
  swap(d, at(server, where, 'topo_node_list', 0), 'id', w.module.id, `${where}.topo_node_list[0].id`);
}

async function gse(world: ReplayWorld, d: Draft): Promise<void> {
  const h = (await world.cmdb()).hosts[0];
  const host = at(body(d), 'body', 'hosts', 0);
  swap(d, host, 'ip', h.ip, 'body.hosts[0].ip (a world host with a live agent)');
  swap(d, host, 'bk_cloud_id', h.bk_cloud_id, 'body.hosts[0].bk_cloud_id');
  // The answer is keyed by "cloud:ip" of the asked host: rename the fixture's key to match.
  const data = at(d.expected, 'response', 'data');
  const [key] = Object.keys(data);
  if (key === undefined) throw new ReplaySetupError('fixture response data has no host key');
  const realKey = `${h.bk_cloud_id}:${h.ip}`;
  data[realKey] = data[key];
  if (realKey !== key) delete data[key];
  d.subs.push(`response map key "${key}" → "${realKey}" (GSE keys hosts by cloud:ip)`);
}

export const PREPARE: Readonly<Record<string, Prepare>> = {
  'cmdb.search_business': async (world, d) => {
    const w = await world.cmdb();
    const rules = at(body(d), 'body', 'biz_property_filter');
    swap(d, at(rules, 'biz_property_filter', 'rules', 0), 'value', w.biz.maintainer, 'maintainer rule value');
    const or = at(rules, 'biz_property_filter', 'rules', 1);
    swap(d, at(or, 'rules[1]', 'rules', 0), 'value', [w.biz.name], 'bk_biz_name rule value');
    swap(d, at(or, 'rules[1]', 'rules', 1), 'value', w.biz.id, 'bk_biz_id rule value');
    const t = at(body(d), 'body', 'time_condition', 'rules', 0);
    swap(d, t, 'start', cmdbCondTime(w.biz.createTime, -DAY), 'time_condition start');
    swap(d, t, 'end', cmdbCondTime(w.biz.createTime, DAY), 'time_condition end');
  },
  'cmdb.list_biz_hosts': async (world, d) => listBizHosts(world, d, false),
  'cmdb.list_biz_hosts_topo': async (world, d) => {
    const w = await world.cmdb();
    await cmdbBiz(world, d);
    const b = body(d);
    const setOr = at(b, 'body', 'set_property_filter', 'rules', 1, 'rules', 0);
    swap(d, setOr, 'value', [w.set.id], 'set_property_filter bk_set_id in');
    const mod = at(b, 'body', 'module_property_filter', 'rules', 0);
    swap(d, mod, 'value', w.module.name, 'module_property_filter bk_module_name equal');
    const host = at(b, 'body', 'host_property_filter', 'rules', 0);
    swap(d, host, 'value', w.hosts[0].ip, 'host_property_filter bk_host_innerip equal');
  },
  'cmdb.search_biz_inst_topo': async (world, d) => {
    await cmdbBiz(world, d);
  },
  'cmdb.find_host_topo_relation': async (world, d) => {
    const w = await world.cmdb();
    await cmdbBiz(world, d, false);
    const b = body(d);
    swap(d, b, 'bk_set_ids', [w.set.id], 'body.bk_set_ids');
    swap(d, b, 'bk_module_ids', [w.module.id], 'body.bk_module_ids');
    swap(d, b, 'bk_host_ids', [w.hosts[0].bk_host_id, w.hosts[1].bk_host_id], 'body.bk_host_ids');
  },
  'cmdb.search_set': async (world, d) => {
    const w = await world.cmdb();
    await cmdbBiz(world, d);
    swap(d, at(body(d), 'body', 'filter', 'rules', 0), 'value', w.set.name, 'filter bk_set_name equal');
    const t = at(body(d), 'body', 'time_condition', 'rules', 0);
    swap(d, t, 'start', cmdbCondTime(w.set.createTime, -DAY), 'time_condition start');
    swap(d, t, 'end', cmdbCondTime(w.set.createTime, DAY), 'time_condition end');
  },
  'cmdb.search_module': async (world, d) => {
    const w = await world.cmdb();
    await cmdbBiz(world, d);
    swap(d, at(body(d), 'body', 'condition'), 'bk_module_name', w.module.name, 'condition.bk_module_name');
  },
  'cmdb.find_host_by_topo': async (world, d) => {
    const w = await world.cmdb();
    await cmdbBiz(world, d);
    // Notes: "bk_obj_id 'xxx' is the doc's placeholder (must be set/module/...)".
    swap(d, body(d), 'bk_obj_id', 'module', 'body.bk_obj_id');
    swap(d, body(d), 'bk_inst_id', w.module.id, 'body.bk_inst_id');
  },
  'cmdb.resource_watch': async (world, d) => {
    const w = await world.cmdb();
    const b = body(d);
    // Notes: the server rejects bk_start_from together with bk_cursor, and the doc's cursor uses
    // an old encoding: keep bk_start_from (now), drop the cursor.
    const startFrom = Math.floor(Date.now() / 1000) - 1;
    swap(d, b, 'bk_start_from', startFrom, 'body.bk_start_from');
    delete b.bk_cursor;
    d.subs.push('body.bk_cursor: removed (notes: cannot be combined with bk_start_from)');
    // The doc's events show bk_detail {bk_cpu}: watch that field, so the answer can show it.
    swap(d, b, 'bk_fields', ['bk_cpu'], 'body.bk_fields');
    await world.touchHost(w.hosts[0].bk_host_id);
    d.subs.push(`precondition: host ${w.hosts[0].bk_host_id} bk_cpu updated via /_sandbox/cmdb/hosts/{id}`);
  },
  'gse.get_agent_status': gse,
  'gse.get_agent_info': gse,
  'job.get_job_plan_list': async (world, d) => {
    const plan = await world.jobPlan();
    await bizScope(world, d, d.query, 'query');
    swap(d, d.query, 'job_template_id', String(plan.job_template_id), 'query.job_template_id');
    swap(d, d.query, 'creator', plan.creator, 'query.creator');
    swap(d, d.query, 'name', plan.name, 'query.name');
    swap(d, d.query, 'create_time_start', String(plan.create_time - 1000), 'query.create_time_start');
    swap(d, d.query, 'create_time_end', String(plan.create_time + 1000), 'query.create_time_end');
  },
  'job.get_job_plan_detail': async (world, d) => {
    const plan = await world.jobPlan();
    await bizScope(world, d, d.query, 'query');
    swap(d, d.query, 'job_plan_id', String(plan.id), 'query.job_plan_id');
  },
  'job.execute_job_plan': async (world, d) => {
    const plan = await world.jobPlan();
    const b = body(d);
    await bizScope(world, d, b, 'body');
    swap(d, b, 'job_plan_id', plan.id, 'body.job_plan_id');
    const hostVar = at(b, 'body', 'global_var_list', 0);
    swap(d, hostVar, 'id', plan.hostVarId, 'body.global_var_list[0].id');
    await jobServer(world, d, at(hostVar, 'global_var_list[0]', 'server'), 'global_var_list[0].server');
    if (plan.stringVarName !== null) {
      swap(
        d,
        at(b, 'body', 'global_var_list', 1),
        'name',
        plan.stringVarName,
        'body.global_var_list[1].name',
      );
    }
  },
  'job.fast_execute_script': async (world, d) => {
    const b = body(d);
    await bizScope(world, d, b, 'body');
    // Notes: the doc passes script_version_id, which wins over script_content (§4.2).
    const script = await world.script();
    swap(d, b, 'script_version_id', script.onlineVersionId, 'body.script_version_id (a stored script)');
    await jobServer(world, d, at(b, 'body', 'target_server'), 'target_server');
  },
  'job.get_script_list': async (world, d) => {
    const script = await world.script();
    await bizScope(world, d, d.query, 'query');
    swap(d, d.query, 'name', script.name, 'query.name (a shell script with an online version)');
  },
  'job.get_job_instance_status': async (world, d) => {
    await bizScope(world, d, d.query, 'query');
    const job = await world.scriptJob();
    d.subs.push('precondition: fast_execute_script run until finished');
    swap(d, d.query, 'job_instance_id', String(job.jobInstanceId), 'query.job_instance_id');
  },
  'job.get_job_instance_ip_log': async (world, d) => jobLog(world, d, d.query, 'query', false),
  'job.batch_get_job_instance_ip_log': async (world, d) => jobLog(world, d, body(d), 'body', true),
  'itsm.get_services': async (world, d) => {
    const catalog = await world.serviceCatalog(String(d.query.service_type));
    swap(d, d.query, 'catalog_id', catalog, 'query.catalog_id (a catalog holding such services)');
  },
  'itsm.create_ticket': async (world, d) => {
    const meta = at(body(d), 'body', 'meta');
    swap(d, meta, 'callback_url', `${world.receiver.baseUrl}/ok/itsm/create`, 'body.meta.callback_url');
  },
  'itsm.get_ticket_status': async (world, d) => {
    swap(d, d.query, 'sn', await world.runningTicket(), 'query.sn (a RUNNING ticket)');
  },
  'itsm.get_ticket_info': async (world, d) => {
    swap(d, d.query, 'sn', await world.runningTicket(), 'query.sn (a RUNNING ticket)');
  },
  'itsm.operate_ticket': async (world, d) => {
    swap(d, body(d), 'sn', await world.createTicket(), 'body.sn (a new RUNNING ticket)');
  },
  'itsm.ticket_approval_result': async (world, d) => {
    const { sn } = await world.approvedTicket();
    swap(d, body(d), 'sn', [sn], 'body.sn (a ticket approved via /_sandbox/itsm/tickets/{sn}/approve)');
  },
  'itsm.token_verify': async (world, d) => {
    const { token } = await world.approvedTicket();
    swap(d, body(d), 'token', token, 'body.token (from a real ITSM callback)');
  },
  'itsm.callback_failed_ticket': async (world, d) => {
    const sn = await world.failedCallbackTicket();
    d.subs.push(`precondition: ticket ${sn} approved with a callback_url that answers HTTP 500`);
  },
  'bk_paas.get_app_info': async (_world, d) => {
    swap(d, d.query, 'target_app_code', 'bk_cmdb;bk_job', 'query.target_app_code');
  },
  'bkpaas3.uni_apps_query_by_id': async (_world, d) => {
    swap(d, d.query, 'id', 'bk_cmdb', 'query.id');
  },
};

/** `cmdb.list_biz_hosts` exists twice (APIGW and ESB); the ESB one has no path parameter. */
export const PREPARE_ESB: Readonly<Record<string, Prepare>> = {
  'cmdb.list_biz_hosts': async (world, d) => listBizHosts(world, d, true),
};
