import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';

/**
 * What a fixture replay needs to exist in the sandbox before the fixture's own request can be
 * sent with real ids: a business with a set, a module and hosts, a JOB plan, finished JOB
 * executions, ITSM tickets in given states, and a local receiver for JOB/ITSM callbacks.
 * Everything is found or made over HTTP, as any client would.
 */

export interface ReplayCall {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface ReplayAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed body, or undefined when the body is not JSON. */
  json: unknown;
}

/** One HTTP exchange with the sandbox; the replay never talks to it any other way. */
export type ReplayHttp = (call: ReplayCall) => Promise<ReplayAnswer>;

export interface ReplayCredentials {
  appCode: string;
  appSecret: string;
  /** A bk_token the sandbox knows (token-admin). */
  bkToken: string;
  /** The user behind bkToken. */
  username: string;
}

/** A replay could not set up what a fixture needs; the message says which call failed and how. */
export class ReplaySetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplaySetupError';
  }
}

export interface WorldHost {
  bk_host_id: number;
  bk_cloud_id: number;
  ip: string;
}

export interface CmdbWorld {
  biz: { id: number; name: string; maintainer: string; createTime: string };
  set: { id: number; name: string; createTime: string };
  module: { id: number; name: string };
  /** Another module of the same set when there is one, else the same module. */
  otherModuleId: number;
  /** Hosts of `module` with exactly one inner IPv4 and a live GSE agent, at least two. */
  hosts: [WorldHost, WorldHost, ...WorldHost[]];
}

export interface JobPlanInfo {
  id: number;
  name: string;
  creator: string;
  job_template_id: number;
  create_time: number;
  hostVarId: number;
  stringVarName: string | null;
}

/** A stored shell script of the world's business with an online version (get_script_list). */
export interface ScriptInfo {
  id: string;
  name: string;
  onlineVersionId: number;
}

export interface FinishedJob {
  jobInstanceId: number;
  /** Step instance ids by step type (1 script, 2 file). */
  stepByType: Map<number, number>;
}

export interface CallbackRecord {
  path: string;
  headers: IncomingMessage['headers'];
  text: string;
  json: unknown;
}

/** Receives JOB/ITSM callbacks: `/ok/...` answers 200 {"code":0}, `/fail/...` answers 500. */
export class CallbackReceiver {
  readonly records: CallbackRecord[] = [];
  private waiters: Array<{ path: string; resolve: (r: CallbackRecord) => void }> = [];

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
  ) {}

  static async start(host: string): Promise<CallbackReceiver> {
    let receiver: CallbackReceiver | null = null;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        const path = req.url ?? '/';
        const failing = path.startsWith('/fail/');
        res.writeHead(failing ? 500 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(failing ? { code: 1, message: 'refused by the replay' } : { code: 0 }));
        receiver?.record({ path, headers: req.headers, text, json });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    receiver = new CallbackReceiver(server, `http://${host.includes(':') ? `[${host}]` : host}:${port}`);
    return receiver;
  }

  private record(r: CallbackRecord): void {
    this.records.push(r);
    const ready = this.waiters.filter((w) => w.path === r.path);
    this.waiters = this.waiters.filter((w) => w.path !== r.path);
    for (const w of ready) w.resolve(r);
  }

  /** The first callback that arrived on `path`, waiting up to `ms` for it. */
  waitFor(path: string, ms: number): Promise<CallbackRecord> {
    const seen = this.records.find((r) => r.path === path);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new ReplaySetupError(`no callback arrived on ${path} within ${ms} ms`));
      }, ms);
      const done = (r: CallbackRecord) => {
        clearTimeout(timer);
        resolve(r);
      };
      this.waiters.push({ path, resolve: done });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

function list(v: unknown): Json[] {
  return Array.isArray(v) ? v.map(obj) : [];
}

const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Finds and makes the sandbox state fixtures refer to. Each piece is made once and reused. */
export class ReplayWorld {
  private memo = new Map<string, Promise<unknown>>();
  private ticketSeq = 0;

  constructor(
    private readonly http: ReplayHttp,
    private readonly creds: ReplayCredentials,
    readonly receiver: CallbackReceiver,
    private readonly jobWaitMs: number,
  ) {}

  private once<T>(key: string, make: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = make();
      this.memo.set(key, p);
    }
    return p;
  }

  authHeader(): Record<string, string> {
    const { appCode, appSecret, bkToken } = this.creds;
    return {
      'X-Bkapi-Authorization': JSON.stringify({
        bk_app_code: appCode,
        bk_app_secret: appSecret,
        bk_token: bkToken,
      }),
    };
  }

  /** A successful APIGW call as the sandbox admin; anything else is a setup error. */
  async call(method: 'GET' | 'POST', path: string, params: Json = {}): Promise<unknown> {
    const query: Record<string, string> = {};
    if (method === 'GET') for (const [k, v] of Object.entries(params)) query[k] = String(v);
    const answer = await this.http({
      method,
      path,
      query,
      headers: this.authHeader(),
      body: method === 'POST' ? params : undefined,
    });
    const body = obj(answer.json);
    if (answer.status !== 200 || body.result !== true) {
      throw new ReplaySetupError(
        `${method} ${path} answered HTTP ${answer.status} ${answer.text.slice(0, 300)}`,
      );
    }
    return body.data;
  }

  /** POST /_sandbox/... (control endpoints). */
  async control(path: string, body: unknown): Promise<unknown> {
    const answer = await this.http({ method: 'POST', path: `/_sandbox${path}`, body });
    if (answer.status !== 200) {
      throw new ReplaySetupError(`POST /_sandbox${path} answered HTTP ${answer.status} ${answer.text}`);
    }
    return answer.json;
  }

  cmdb(): Promise<CmdbWorld> {
    return this.once('cmdb', () => this.findCmdbWorld());
  }

  private async findCmdbWorld(): Promise<CmdbWorld> {
    const bizData = obj(
      await this.call('POST', '/api/bk-cmdb/prod/api/v3/biz/search/0', {
        fields: ['bk_biz_id', 'bk_biz_name', 'bk_biz_maintainer', 'create_time', 'default'],
        page: { start: 0, limit: 200 },
      }),
    );
    for (const biz of list(bizData.info).filter((b) => b.default === 0)) {
      const bizId = Number(biz.bk_biz_id);
      const sets = list(
        obj(
          await this.call('POST', `/api/bk-cmdb/prod/api/v3/set/search/0/${bizId}`, {
            bk_biz_id: bizId,
            fields: ['bk_set_id', 'bk_set_name', 'default', 'create_time'],
            page: { start: 0, limit: 200 },
          }),
        ).info,
      ).filter((s) => s.default === 0);
      for (const set of sets) {
        const setId = Number(set.bk_set_id);
        const modules = list(
          obj(
            await this.call('POST', `/api/bk-cmdb/prod/api/v3/module/search/0/${bizId}/${setId}`, {
              bk_biz_id: bizId,
              fields: ['bk_module_id', 'bk_module_name', 'bk_set_id'],
              condition: { bk_set_id: setId },
              page: { start: 0, limit: 200 },
            }),
          ).info,
        );
        for (const mod of modules) {
          const moduleId = Number(mod.bk_module_id);
          const hosts = list(
            obj(
              await this.call('POST', `/api/bk-cmdb/prod/api/v3/hosts/app/${bizId}/list_hosts`, {
                bk_biz_id: bizId,
                bk_module_ids: [moduleId],
                fields: ['bk_host_id', 'bk_cloud_id', 'bk_host_innerip'],
                page: { start: 0, limit: 500 },
              }),
            ).info,
          )
            .filter((h) => typeof h.bk_host_innerip === 'string' && IPV4.test(h.bk_host_innerip))
            .map((h) => ({
              bk_host_id: Number(h.bk_host_id),
              bk_cloud_id: Number(h.bk_cloud_id),
              ip: String(h.bk_host_innerip),
            }));
          const [h1, h2, ...rest] = await this.withLiveAgents(hosts);
          if (!h1 || !h2) continue;
          const other = modules.find((m) => Number(m.bk_module_id) !== moduleId);
          return {
            biz: {
              id: bizId,
              name: String(biz.bk_biz_name),
              maintainer: String(biz.bk_biz_maintainer),
              createTime: String(biz.create_time),
            },
            set: { id: setId, name: String(set.bk_set_name), createTime: String(set.create_time) },
            module: { id: moduleId, name: String(mod.bk_module_name) },
            otherModuleId: other ? Number(other.bk_module_id) : moduleId,
            hosts: [h1, h2, ...rest],
          };
        }
      }
    }
    throw new ReplaySetupError('no business has a module with two single-IPv4 hosts');
  }

  /**
   * The hosts whose GSE 1.0 agent is alive: JOB fails steps on hosts without one, and the GSE
   * fixtures show a live agent.
   */
  private async withLiveAgents(hosts: WorldHost[]): Promise<WorldHost[]> {
    if (hosts.length === 0) return [];
    const { appCode, appSecret, bkToken } = this.creds;
    const answer = await this.http({
      method: 'POST',
      path: '/api/c/compapi/v2/gse/get_agent_status/',
      body: {
        bk_app_code: appCode,
        bk_app_secret: appSecret,
        bk_token: bkToken,
        bk_supplier_account: '0',
        hosts: hosts.map((h) => ({ ip: h.ip, bk_cloud_id: h.bk_cloud_id })),
      },
    });
    const data = obj(obj(answer.json).data);
    return hosts.filter((h) => obj(data[`${h.bk_cloud_id}:${h.ip}`]).bk_agent_alive === 1);
  }

  /**
   * A plan of the world's business with script and file steps and no manual step, and a finished
   * execute_job_plan run of it on the world's first two hosts in which the file step ran.
   */
  planRun(): Promise<{ plan: JobPlanInfo; job: FinishedJob }> {
    return this.once('plan-run', async () => {
      const world = await this.cmdb();
      const scope = { bk_scope_type: 'biz', bk_scope_id: String(world.biz.id) };
      const plans = list(
        obj(await this.call('GET', '/api/bk-job/prod/api/v3/get_job_plan_list', { ...scope, length: 100 }))
          .data,
      );
      for (const p of plans) {
        const detail = obj(
          await this.call('GET', '/api/bk-job/prod/api/v3/get_job_plan_detail', {
            ...scope,
            job_plan_id: Number(p.id),
          }),
        );
        const types = new Set(list(detail.step_list).map((s) => Number(s.type)));
        const vars = list(detail.global_var_list);
        const hostVar = vars.find((v) => v.type === 3);
        if (!types.has(1) || !types.has(2) || types.has(3) || !hostVar) continue;
        const stringVar = vars.find((v) => v.type === 1);
        const plan: JobPlanInfo = {
          id: Number(p.id),
          name: String(p.name),
          creator: String(p.creator),
          job_template_id: Number(p.job_template_id),
          create_time: Number(p.create_time),
          hostVarId: Number(hostVar.id),
          stringVarName: stringVar ? String(stringVar.name) : null,
        };
        const started = obj(
          await this.call('POST', '/api/bk-job/prod/api/v3/execute_job_plan', {
            ...scope,
            job_plan_id: plan.id,
            global_var_list: [
              {
                id: plan.hostVarId,
                server: { host_id_list: [world.hosts[0].bk_host_id, world.hosts[1].bk_host_id] },
              },
            ],
          }),
        );
        const job = await this.waitForJob(Number(started.job_instance_id));
        // A plan whose script fails stops before its file step; try the next one.
        if (job.stepByType.has(2)) return { plan, job };
      }
      throw new ReplaySetupError(
        `business ${world.biz.id} has no plan with script and file steps only whose file step runs`,
      );
    });
  }

  async jobPlan(): Promise<JobPlanInfo> {
    return (await this.planRun()).plan;
  }

  /** A shell script of the world's business whose online version can run. */
  script(): Promise<ScriptInfo> {
    return this.once('script', async () => {
      const world = await this.cmdb();
      const scripts = list(
        obj(
          await this.call('GET', '/api/bk-job/prod/api/v3/get_script_list', {
            bk_scope_type: 'biz',
            bk_scope_id: String(world.biz.id),
            script_language: 1,
            length: 1000,
          }),
        ).data,
      );
      // A name no other script's name contains, so a search by it finds this one only.
      const s = scripts.find(
        (x) =>
          typeof x.online_script_version_id === 'number' &&
          !/exit|fail/.test(String(x.name)) &&
          scripts.filter((y) => String(y.name).includes(String(x.name))).length === 1,
      );
      if (!s)
        throw new ReplaySetupError(`business ${world.biz.id} has no shell script with an online version`);
      return { id: String(s.id), name: String(s.name), onlineVersionId: Number(s.online_script_version_id) };
    });
  }

  /** Polls get_job_instance_status until the execution finished. */
  async waitForJob(jobInstanceId: number): Promise<FinishedJob> {
    const world = await this.cmdb();
    const deadline = Date.now() + this.jobWaitMs;
    for (;;) {
      const data = obj(
        await this.call('GET', '/api/bk-job/prod/api/v3/get_job_instance_status', {
          bk_scope_type: 'biz',
          bk_scope_id: String(world.biz.id),
          job_instance_id: jobInstanceId,
        }),
      );
      if (data.finished === true) {
        const stepByType = new Map<number, number>();
        for (const s of list(data.step_instance_list)) {
          // Status 1 (BLANK): the step never started, so it has no logs.
          const ran = Number(s.status) !== 1;
          if (ran && !stepByType.has(Number(s.type))) {
            stepByType.set(Number(s.type), Number(s.step_instance_id));
          }
        }
        return { jobInstanceId, stepByType };
      }
      if (Date.now() > deadline) {
        throw new ReplaySetupError(
          `job instance ${jobInstanceId} did not finish within ${this.jobWaitMs} ms`,
        );
      }
      await sleep(100);
    }
  }

  /** Starts fast_execute_script on the world's first two hosts. */
  async startScript(callbackUrl?: string): Promise<number> {
    const world = await this.cmdb();
    const data = obj(
      await this.call('POST', '/api/bk-job/prod/api/v3/fast_execute_script', {
        bk_scope_type: 'biz',
        bk_scope_id: String(world.biz.id),
        script_content: Buffer.from('echo "fixture replay"').toString('base64'),
        script_language: 1,
        account_alias: 'root',
        target_server: { host_id_list: [world.hosts[0].bk_host_id, world.hosts[1].bk_host_id] },
        ...(callbackUrl ? { callback_url: callbackUrl } : {}),
      }),
    );
    return Number(data.job_instance_id);
  }

  /** A finished fast_execute_script execution (one script step). */
  scriptJob(): Promise<FinishedJob> {
    return this.once('script-job', async () => this.waitForJob(await this.startScript()));
  }

  /** A finished execute_job_plan execution of `jobPlan()` whose file step ran. */
  async planJob(): Promise<FinishedJob> {
    return (await this.planRun()).job;
  }

  /** The catalog of the first ITSM service of `serviceType`. */
  serviceCatalog(serviceType: string): Promise<number> {
    return this.once(`catalog-${serviceType}`, async () => {
      const services = list(await this.call('GET', '/api/bk-itsm/prod/v2/itsm/get_services/'));
      const s = services.find((x) => x.service_type === serviceType);
      if (!s) throw new ReplaySetupError(`ITSM has no service of type ${serviceType}`);
      // get_services does not echo catalog_id: find it by asking per catalog.
      for (let catalog = 1; catalog <= 50; catalog++) {
        const hits = list(
          await this.call('GET', '/api/bk-itsm/prod/v2/itsm/get_services/', {
            catalog_id: catalog,
            service_type: serviceType,
          }),
        );
        if (hits.length > 0) return catalog;
      }
      throw new ReplaySetupError(`no ITSM catalog up to 50 holds a ${serviceType} service`);
    });
  }

  /** A new RUNNING ticket; its callback goes to the receiver under `callbackPath` when given. */
  async createTicket(callbackPath?: string): Promise<string> {
    this.ticketSeq++;
    const data = obj(
      await this.call('POST', '/api/bk-itsm/prod/v2/itsm/create_ticket/', {
        service_id: 17,
        creator: this.creds.username,
        fields: [
          { key: 'title', value: `fixture replay ${this.ticketSeq}` },
          { key: 'APPROVER', value: this.creds.username },
        ],
        ...(callbackPath ? { meta: { callback_url: `${this.receiver.baseUrl}${callbackPath}` } } : {}),
      }),
    );
    return String(data.sn);
  }

  runningTicket(): Promise<string> {
    return this.once('ticket-running', () => this.createTicket());
  }

  /** An approved ticket whose callback succeeded; returns its sn and the callback's token. */
  approvedTicket(): Promise<{ sn: string; token: string }> {
    return this.once('ticket-approved', async () => {
      const path = `/ok/itsm/${Date.now()}`;
      const sn = await this.createTicket(path);
      await this.control(`/itsm/tickets/${encodeURIComponent(sn)}/approve`, {});
      const cb = await this.receiver.waitFor(path, 10_000);
      const token = obj(cb.json).token;
      if (typeof token !== 'string') throw new ReplaySetupError('the ITSM callback carried no token');
      return { sn, token };
    });
  }

  /** An approved ticket whose callback was refused, so ITSM lists it as a failed callback. */
  failedCallbackTicket(): Promise<string> {
    return this.once('ticket-failed-callback', async () => {
      const path = `/fail/itsm/${Date.now()}`;
      const sn = await this.createTicket(path);
      await this.control(`/itsm/tickets/${encodeURIComponent(sn)}/approve`, {});
      await this.receiver.waitFor(path, 10_000);
      return sn;
    });
  }

  /** Updates a host's bk_cpu through the sandbox control route, so a host watch has an event. */
  async touchHost(hostId: number): Promise<void> {
    await this.control(`/cmdb/hosts/${hostId}`, { bk_cpu: 2 + (Date.now() % 60) });
  }
}
