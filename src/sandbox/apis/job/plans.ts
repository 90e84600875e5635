import type { SbJobPlan, SbJobStep, SbJobVar } from '../../data/job-plans';
import type { SandboxContext, SbHost, SbRequest } from '../../types';
import { SbBizError } from '../../types';
import type { Scope } from './params';
import {
  JobAction,
  JobCode,
  optionalInt,
  optionalString,
  parsePage,
  parseScope,
  requiredInt,
} from './params';
import type { JobState } from './state';

/** get_job_plan_list / get_job_plan_detail (CONTRACTS.md §4.5). */

export function planOf(state: JobState, scope: Scope, planId: number): SbJobPlan {
  const plan = state.plans().find((p) => p.id === planId && p.bizId === scope.bizId);
  if (!plan) throw new SbBizError(JobCode.PLAN_NOT_FOUND, 'Job plan does not exist');
  return plan;
}

export function getJobPlanList(ctx: SandboxContext, state: JobState, req: SbRequest): unknown {
  const scope = parseScope(ctx, req);
  ctx.assertBizAccess(req, scope.bizId, JobAction.viewJobPlan, 'bk_job');
  const { start, length } = parsePage(req);
  const name = optionalString(req, 'name')?.toLowerCase();
  const creator = optionalString(req, 'creator');
  const lastModifyUser = optionalString(req, 'last_modify_user');
  const templateId = optionalInt(req, 'job_template_id');
  const within = (v: number, from?: number, to?: number) =>
    (from === undefined || v >= from) && (to === undefined || v <= to);
  const cStart = optionalInt(req, 'create_time_start');
  const cEnd = optionalInt(req, 'create_time_end');
  const mStart = optionalInt(req, 'last_modify_time_start');
  const mEnd = optionalInt(req, 'last_modify_time_end');

  const matching = state
    .plans()
    .filter(
      (p) =>
        p.bizId === scope.bizId &&
        (name === undefined || p.name.toLowerCase().includes(name)) &&
        (creator === undefined || p.creator === creator) &&
        (lastModifyUser === undefined || p.last_modify_user === lastModifyUser) &&
        (templateId === undefined || p.job_template_id === templateId) &&
        within(p.create_time, cStart, cEnd) &&
        within(p.last_modify_time, mStart, mEnd),
    );
  return {
    data: matching.slice(start, start + length).map((p) => ({
      bk_scope_type: scope.scopeType,
      bk_scope_id: scope.scopeId,
      id: p.id,
      job_template_id: p.job_template_id,
      name: p.name,
      creator: p.creator,
      create_time: p.create_time,
      last_modify_user: p.last_modify_user,
      last_modify_time: p.last_modify_time,
      need_update: p.need_update,
    })),
    start,
    length,
    total: matching.length,
  };
}

function hostRefs(
  ctx: SandboxContext,
  ids: readonly number[],
): { bk_host_id: number; bk_cloud_id: number; ip: string }[] {
  const byId = new Map<number, SbHost>(ctx.data.hosts.map((h) => [h.bk_host_id, h]));
  return ids.flatMap((id) => {
    const h = byId.get(id);
    return h
      ? [{ bk_host_id: id, bk_cloud_id: h.bk_cloud_id, ip: h.bk_host_innerip.split(',')[0] ?? '' }]
      : [];
  });
}

function varDetail(ctx: SandboxContext, v: SbJobVar): Record<string, unknown> {
  const base = { id: v.id, type: v.type, name: v.name, description: v.description, required: v.required };
  if (v.type === 3) {
    return {
      ...base,
      server: { dynamic_group_list: [], ip_list: hostRefs(ctx, v.hostIds ?? []), topo_node_list: [] },
    };
  }
  return { ...base, value: v.value ?? '' };
}

const account = { id: 1, name: 'root' };

function stepDetail(s: SbJobStep): Record<string, unknown> {
  const base = { id: s.id, type: s.type, name: s.name };
  if (s.script) {
    return {
      ...base,
      script_info: {
        script_type: s.script.language,
        script_timeout: s.script.timeout,
        script_content: Buffer.from(s.script.text, 'utf8').toString('base64'),
        script_param: Buffer.from(s.script.param, 'utf8').toString('base64'),
        is_param_sensitive: 0,
        account: s.script.account,
      },
    };
  }
  if (s.file) {
    return {
      ...base,
      file_info: {
        file_source: [{ file_list: s.file.sources, server: { variable: 'servers' }, account, file_type: 1 }],
        file_destination: {
          path: s.file.destPath,
          account,
          // The hosts come from the variable; the literal host lists stay empty.
          server: { variable: 'servers', dynamic_group_list: [], ip_list: [], topo_node_list: [] },
        },
        timeout: s.file.timeout,
        transfer_mode: 1,
        upload_speed_limit: 0,
        download_speed_limit: 0,
      },
    };
  }
  return {
    ...base,
    approval_info: {
      approval_message: s.approval?.message ?? '',
      approval_user: { user_list: s.approval?.users ?? [], role_list: [] },
      notify_channel: [],
    },
  };
}

export function getJobPlanDetail(ctx: SandboxContext, state: JobState, req: SbRequest): unknown {
  const scope = parseScope(ctx, req);
  ctx.assertBizAccess(req, scope.bizId, JobAction.viewJobPlan, 'bk_job');
  const plan = planOf(state, scope, requiredInt(req, 'job_plan_id'));
  return {
    bk_scope_type: scope.scopeType,
    bk_scope_id: scope.scopeId,
    job_plan_id: plan.id,
    name: plan.name,
    creator: plan.creator,
    create_time: plan.create_time,
    last_modify_user: plan.last_modify_user,
    last_modify_time: plan.last_modify_time,
    global_var_list: plan.vars.map((v) => varDetail(ctx, v)),
    step_list: plan.steps.map(stepDetail),
  };
}
