import type { SandboxData } from '../types';

/**
 * Seeded JOB execution plans (作业执行方案): 3–8 per business, each with global variables of every
 * type and 1–4 steps, in the shapes of `job.get_job_plan_detail.json`.
 */

export type JobVarType = 1 | 2 | 3 | 4 | 5; // string, namespace, host list, password, array
export type JobStepType = 1 | 2 | 3; // script, file, manual confirmation

export interface SbJobVar {
  id: number;
  name: string;
  type: JobVarType;
  description: string;
  required: 0 | 1;
  /** Value of string / namespace / password / array variables. */
  value?: string;
  /** Hosts of a host-list variable (bk_host_id). */
  hostIds?: number[];
}

export interface SbJobStep {
  id: number;
  name: string;
  type: JobStepType;
  /** Script steps: plain-text script (served base64) and its language (1 shell … 5 powershell). */
  script?: { language: number; text: string; param: string; timeout: number; account: string };
  /** File steps: source files on the plan's hosts, copied to `destPath` on the same hosts. */
  file?: { sources: string[]; destPath: string; timeout: number };
  /** Manual-confirmation steps. */
  approval?: { message: string; users: string[] };
}

export interface SbJobPlan {
  id: number;
  bizId: number;
  job_template_id: number;
  name: string;
  creator: string;
  create_time: number;
  last_modify_user: string;
  last_modify_time: number;
  need_update: boolean;
  vars: SbJobVar[];
  steps: SbJobStep[];
}

type StepTemplate =
  | { type: 1; name: string; script: string }
  | { type: 2; name: string; sources: string[]; dest: string }
  | { type: 3; name: string; message: string };

const script = (name: string, body: string): StepTemplate => ({ type: 1, name, script: body });
const file = (name: string, sources: string[], dest: string): StepTemplate => ({
  type: 2,
  name,
  sources,
  dest,
});
const manual = (name: string, message: string): StepTemplate => ({ type: 3, name, message });

/** Plan names and steps. One plan ("chaos drill") fails on purpose: its script exits 1. */
const PLAN_TEMPLATES: ReadonlyArray<{ name: string; steps: StepTemplate[] }> = [
  {
    name: 'deploy nginx',
    steps: [
      script('pull package', 'echo "pulling nginx package"\necho "package ready"'),
      file('distribute config', ['/data/release/nginx.conf'], '/etc/nginx/'),
      script('reload nginx', 'echo "nginx -s reload"\necho "reloaded"'),
    ],
  },
  {
    name: 'restart api-server',
    steps: [
      script('stop service', 'echo "stopping api-server"'),
      script('start service', 'echo "api-server up"'),
    ],
  },
  { name: 'rotate logs', steps: [script('compress logs', 'echo "gzip /data/logs/*.log"\necho "rotated"')] },
  {
    name: 'backup mysql',
    steps: [
      script('dump database', 'echo "mysqldump --all-databases"\necho "dump ok"'),
      file('collect dump', ['/data/backup/all.sql.gz'], '/data/archive/'),
    ],
  },
  {
    name: 'upgrade agent',
    steps: [
      manual('confirm window', 'Upgrade during the maintenance window?'),
      script('run upgrade', 'echo "upgrading gse agent"'),
    ],
  },
  {
    name: 'clean tmp files',
    steps: [script('clean /tmp', 'echo "find /tmp -mtime +7 -delete"\necho "cleaned"')],
  },
  {
    name: 'sync config',
    steps: [
      file('push config', ['/data/config/app.yaml'], '/etc/app/'),
      script('verify checksum', 'echo "md5sum ok"'),
    ],
  },
  {
    name: 'rollback release',
    steps: [
      manual('approve rollback', 'Roll back to the previous release?'),
      script('switch symlink', 'echo "ln -sfn /data/release/prev /data/release/current"'),
      script('restart', 'echo "restarting"'),
      script('smoke test', 'echo "curl -fsS http://127.0.0.1/healthz"\necho "healthy"'),
    ],
  },
  { name: 'collect diagnostics', steps: [script('collect', 'echo "uptime; df -h"\necho "collected"')] },
  { name: 'chaos drill', steps: [script('inject failure', 'echo "injecting a failure"\nexit 1')] },
];

const PEOPLE = ['admin', 'alice', 'ops-li', 'ops-wang'] as const;
/** Seeded times never depend on the wall clock. */
const EPOCH_MS = Date.UTC(2024, 0, 1);
const DAY_MS = 86_400_000;

export interface JobSeed {
  plans: SbJobPlan[];
  /** First job instance id; executions count up from here. */
  firstJobInstanceId: number;
}

export function seedJobPlans(data: SandboxData, rnd: () => number): JobSeed {
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
  const pickOne = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const hostsByBiz = new Map<number, number[]>();
  for (const r of data.relations) {
    const list = hostsByBiz.get(r.bk_biz_id) ?? [];
    if (!list.includes(r.bk_host_id)) list.push(r.bk_host_id);
    hostsByBiz.set(r.bk_biz_id, list);
  }

  const plans: SbJobPlan[] = [];
  let planId = 1000;
  let templateId = 100;
  let varId = 10_000;
  let stepId = 50_000;
  for (const biz of data.businesses) {
    const bizHosts = (hostsByBiz.get(biz.bk_biz_id) ?? []).sort((a, b) => a - b);
    const order = PLAN_TEMPLATES.map((t) => ({ t, k: rnd() })).sort((a, b) => a.k - b.k);
    const count = int(3, 8);
    for (const { t } of order.slice(0, count)) {
      const created = EPOCH_MS + int(0, 300) * DAY_MS + int(0, DAY_MS - 1);
      const creator = pickOne(PEOPLE);
      const start = bizHosts.length > 0 ? int(0, Math.max(0, bizHosts.length - 1)) : 0;
      const hostIds = bizHosts.slice(start, start + int(1, 5));
      const vars: SbJobVar[] = [
        {
          id: varId++,
          name: 'version',
          type: 1,
          description: 'release version',
          required: 1,
          value: `1.${int(0, 9)}.${int(0, 20)}`,
        },
        { id: varId++, name: 'namespace', type: 2, description: 'namespace', required: 0, value: 'default' },
        { id: varId++, name: 'servers', type: 3, description: 'target hosts', required: 1, hostIds },
        { id: varId++, name: 'db_password', type: 4, description: 'password', required: 0, value: '' },
        {
          id: varId++,
          name: 'modules',
          type: 5,
          description: 'module list',
          required: 0,
          value: 'nginx api-server cache',
        },
      ];
      const steps: SbJobStep[] = t.steps.map((s) => {
        const id = stepId++;
        if (s.type === 1) {
          return {
            id,
            name: s.name,
            type: 1,
            script: {
              language: 1,
              text: `#!/bin/bash\n${s.script}\n`,
              param: '',
              timeout: 600,
              account: 'root',
            },
          };
        }
        if (s.type === 2)
          return { id, name: s.name, type: 2, file: { sources: s.sources, destPath: s.dest, timeout: 600 } };
        return { id, name: s.name, type: 3, approval: { message: s.message, users: [creator] } };
      });
      plans.push({
        id: planId++,
        bizId: biz.bk_biz_id,
        job_template_id: templateId++,
        name: t.name,
        creator,
        create_time: created,
        last_modify_user: pickOne(PEOPLE),
        last_modify_time: created + int(0, 60) * DAY_MS,
        need_update: rnd() < 0.2,
        vars,
        steps,
      });
    }
  }
  return { plans, firstJobInstanceId: 20_000_000 + int(0, 999) * 1000 };
}
