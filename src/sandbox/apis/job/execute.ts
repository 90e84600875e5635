import type { SandboxContext, SbRequest } from '../../types';
import { SbBizError } from '../../types';
import type { StepSpec, TargetHost } from './engine';
import {
  decodeBase64,
  field,
  invalid,
  JobAction,
  JobCode,
  missingOrInvalid,
  optionalInt,
  optionalString,
  parseScope,
  requiredInt,
} from './params';
import { planOf } from './plans';
import { storedScriptOf } from './scripts';
import { resolveServer } from './servers';
import type { JobState } from './state';

/** execute_job_plan / fast_execute_script (CONTRACTS.md §4.1, §4.2). */

function operatorOf(req: SbRequest): string {
  return req.user?.username ?? req.claimedUsername ?? 'admin';
}

function callbackOf(req: SbRequest): string | undefined {
  const url = optionalString(req, 'callback_url');
  if (url !== undefined && !/^https?:\/\/\S+$/.test(url))
    throw invalid('callback_url', 'must be an http(s) URL');
  return url;
}

export function executeJobPlan(ctx: SandboxContext, state: JobState, req: SbRequest): unknown {
  const scope = parseScope(ctx, req);
  ctx.assertBizAccess(req, scope.bizId, JobAction.launchJobPlan, 'bk_job');
  const plan = planOf(state, scope, requiredInt(req, 'job_plan_id'));
  const callbackUrl = callbackOf(req);

  const given = field(req, 'global_var_list') ?? [];
  if (!Array.isArray(given)) throw missingOrInvalid('global_var_list');
  const hostVar = plan.vars.find((v) => v.type === 3);
  let hosts: TargetHost[] | null = null;
  for (const raw of given) {
    const g = (raw ?? {}) as Record<string, unknown>;
    const v = plan.vars.find((x) => (g.id !== undefined ? x.id === Number(g.id) : x.name === g.name));
    if (v && v === hostVar) hosts = resolveServer(ctx, scope, g.server, 'global_var_list.server');
  }
  if (hosts === null) {
    // The plan's own hosts, re-checked: CMDB may have moved them since the plan was saved.
    hosts = resolveServer(ctx, scope, { host_id_list: hostVar?.hostIds ?? [] }, 'servers');
  }
  if (!hosts || hosts.length === 0) {
    throw new SbBizError(JobCode.HOSTS_INVALID, 'The following hosts are invalid: (no target host)');
  }

  const steps: StepSpec[] = plan.steps.map((s) => ({
    name: s.name,
    type: s.type,
    scriptText: s.script?.text,
    file: s.file ? { sources: s.file.sources, destPath: s.file.destPath } : undefined,
  }));
  const job = state
    .engine()
    .start({ bizId: scope.bizId, name: plan.name, operator: operatorOf(req), callbackUrl, hosts, steps });
  state.recordExecution('execute_job_plan', job.id);
  return { job_instance_id: job.id, job_instance_name: job.name };
}

export function fastExecuteScript(ctx: SandboxContext, state: JobState, req: SbRequest): unknown {
  const scope = parseScope(ctx, req);
  ctx.assertBizAccess(req, scope.bizId, JobAction.quickExecuteScript, 'bk_job');

  // Priority script_version_id > script_id (its online version) > script_content (§4.2). A stored
  // script runs in its own language; script_language only matters for inline content.
  const stored = storedScriptOf(state, scope, req);
  let scriptText: string;
  if (stored) {
    scriptText = stored.version.content;
  } else {
    const content = optionalString(req, 'script_content');
    if (content === undefined) throw missingOrInvalid('script_content');
    scriptText = decodeBase64('script_content', content);
    const language = optionalInt(req, 'script_language');
    if (language === undefined || language < 1 || language > 5) throw missingOrInvalid('script_language');
  }
  const param = optionalString(req, 'script_param');
  if (param !== undefined) decodeBase64('script_param', param);
  const timeout = optionalInt(req, 'timeout');
  if (timeout !== undefined && (timeout < 1 || timeout > 86_400)) {
    throw invalid('timeout', 'must be between 1 and 86400');
  }
  if (optionalString(req, 'account_alias') === undefined && optionalInt(req, 'account_id') === undefined) {
    throw missingOrInvalid('account_alias/account_id');
  }
  const taskName = optionalString(req, 'task_name');
  if (taskName !== undefined && taskName.length > 512)
    throw invalid('task_name', 'longer than 512 characters');
  const callbackUrl = callbackOf(req);
  const hosts = resolveServer(ctx, scope, field(req, 'target_server'), 'target_server');
  if (!hosts || hosts.length === 0) throw missingOrInvalid('target_server');

  const name = taskName ?? `API Quick execution script${ctx.now()}`;
  const job = state.engine().start({
    bizId: scope.bizId,
    name,
    operator: operatorOf(req),
    callbackUrl,
    hosts,
    steps: [
      {
        name,
        type: 1,
        scriptText,
        ...(stored ? { script: { scriptId: stored.script.id, versionId: stored.version.id } } : {}),
      },
    ],
  });
  state.recordExecution('fast_execute_script', job.id);
  return { job_instance_id: job.id, job_instance_name: job.name, step_instance_id: job.steps[0]?.id };
}
