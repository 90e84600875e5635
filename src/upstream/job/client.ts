import { BadUserInputError, UpstreamError } from '../../errors';
import type {
  JobHostLog,
  JobInstance,
  JobLaunch,
  JobPlan,
  JobPlanDetail,
  JobScript,
  JobScriptLanguage,
  Page,
} from '../domain';
import { wireId, wireIds } from '../ids';
import { chunk, mapBounded } from '../mapping';
import type { ApiSpec, CallContext, UpstreamAnswer, UpstreamCaller } from '../types';
import {
  scriptLanguageCode,
  toBatchLogs,
  toHostLog,
  toJobInstance,
  toJobLaunch,
  toJobPlan,
  toJobPlanDetail,
  toJobScript,
} from './map';
import { JOB_LIMITS, jobSpecs } from './specs';
import type {
  WireBatchLogs,
  WireHostLog,
  WireJobLaunch,
  WireJobPlanDetail,
  WireJobPlanList,
  WireJobStatus,
  WireScriptList,
} from './wire';

export type ScriptLanguage = 'SHELL' | 'BAT' | 'PERL' | 'PYTHON' | 'POWERSHELL';
const languageCode: Record<ScriptLanguage, number> = { SHELL: 1, BAT: 2, PERL: 3, PYTHON: 4, POWERSHELL: 5 };

export interface JobVariableArg {
  /** By id, else by name (JOB: id wins). */
  id?: string;
  name?: string;
  value?: string;
  hostIds?: string[];
}

/**
 * `user`: JOB's user resources with the context's credentials (BlueKing checks that user's rights).
 * `system`: JOB's app-mode resources for the `bk_username` of the context (jobSpecs.system*).
 * @default 'user'
 */
export type JobCallMode = 'user' | 'system';

export interface ExecuteJobPlanArgs {
  bizId: string;
  planId: string;
  variables?: JobVariableArg[];
  callbackUrl?: string;
  mode?: JobCallMode;
}

export interface FastExecuteScriptArgs {
  bizId: string;
  /** Plain text; encoded for JOB here. Exactly one of `script` and `scriptId`. */
  script?: string;
  /** A stored script (get_script_list `id`): JOB runs its online version, in its own language. */
  scriptId?: string;
  /** Required with `script`. */
  language?: ScriptLanguage;
  /** Plain text; encoded for JOB here. */
  params?: string;
  sensitive?: boolean;
  /** 1..86400. @default 7200 (JOB's own default) */
  timeoutSeconds?: number;
  accountAlias?: string;
  accountId?: string;
  hostIds: string[];
  name?: string;
  callbackUrl?: string;
  mode?: JobCallMode;
}

/** A started execution, with the request id JOB gave the answer (for the audit log). */
export interface JobLaunchReceipt extends JobLaunch {
  requestId: string | null;
}

export interface StepRef {
  bizId: string;
  jobInstanceId: string;
  stepInstanceId: string;
}

export interface JobClient {
  planList(
    args: { bizId: string; name?: string; start: number; limit: number },
    ctx: CallContext,
  ): Promise<Page<JobPlan>>;
  planDetail(args: { bizId: string; planId: string }, ctx: CallContext): Promise<JobPlanDetail>;
  /** get_script_list: a business's scripts, `name` fuzzy, `language` absent for all. */
  scriptList(
    args: { bizId: string; name?: string; language?: JobScriptLanguage; start: number; limit: number },
    ctx: CallContext,
  ): Promise<Page<JobScript>>;
  executeJobPlan(args: ExecuteJobPlanArgs, ctx: CallContext): Promise<JobLaunch>;
  fastExecuteScript(args: FastExecuteScriptArgs, ctx: CallContext): Promise<JobLaunch>;
  /** execute_job_plan, answering JOB's request id too. Never retried (one call, one run). */
  startJobPlan(args: ExecuteJobPlanArgs, ctx: CallContext): Promise<JobLaunchReceipt>;
  /** fast_execute_script, answering JOB's request id too. Never retried. */
  startScript(args: FastExecuteScriptArgs, ctx: CallContext): Promise<JobLaunchReceipt>;
  jobInstanceStatus(
    args: { bizId: string; jobInstanceId: string; withHosts?: boolean; mode?: JobCallMode },
    ctx: CallContext,
  ): Promise<JobInstance>;
  /** Logs of many hosts of one step; splits into calls of at most JOB_LIMITS.hostLogsPerCall. */
  batchHostLogs(args: StepRef & { hostIds: string[] }, ctx: CallContext): Promise<JobHostLog[]>;
  hostLog(args: StepRef & { hostId: string }, ctx: CallContext): Promise<JobHostLog>;
}

export interface JobClientOptions {
  /** Log chunks in flight at once. @default 4 */
  concurrency?: number;
}

const scope = (bizId: string) => ({ bk_scope_type: 'biz', bk_scope_id: String(wireId(bizId, 'bizId')) });
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const launchOf = ({ jobInstanceId, name, stepInstanceId }: JobLaunchReceipt): JobLaunch => ({
  jobInstanceId,
  name,
  stepInstanceId,
});

/**
 * The started execution in JOB's answer. A success without a job instance id is not JOB's
 * contract (§4.1, §4.2): `malformed`, which a caller must treat as "may have started".
 */
function receiptOf(spec: ApiSpec, answer: UpstreamAnswer<WireJobLaunch>): JobLaunchReceipt {
  const data = answer.data as WireJobLaunch | null | undefined;
  const launch = typeof data === 'object' && data !== null ? toJobLaunch(data) : null;
  if (!launch || !/^\d+$/.test(launch.jobInstanceId))
    throw new UpstreamError('malformed', `${spec.system}.${spec.api} answered without a job_instance_id`, {
      system: spec.system,
      api: spec.api,
      ...(answer.requestId ? { requestId: answer.requestId } : {}),
    });
  return { ...launch, requestId: answer.requestId };
}

export function createJobClient(caller: UpstreamCaller, options: JobClientOptions = {}): JobClient {
  const concurrency = options.concurrency ?? 4;

  async function startJobPlan(args: ExecuteJobPlanArgs, ctx: CallContext): Promise<JobLaunchReceipt> {
    const globalVars = (args.variables ?? []).map((v, i) => {
      if (v.id === undefined && v.name === undefined)
        throw new BadUserInputError('a job variable needs an id or a name', `variables[${i}]`);
      return {
        ...(v.id !== undefined ? { id: wireId(v.id, `variables[${i}].id`) } : { name: v.name }),
        ...(v.value !== undefined ? { value: v.value } : {}),
        ...(v.hostIds ? { server: { host_id_list: wireIds(v.hostIds, `variables[${i}].hostIds`) } } : {}),
      };
    });
    const spec = args.mode === 'system' ? jobSpecs.systemExecuteJobPlan : jobSpecs.executeJobPlan;
    const answer = await caller.callWithMeta<WireJobLaunch>(
      spec,
      {
        body: {
          ...scope(args.bizId),
          job_plan_id: wireId(args.planId, 'planId'),
          ...(globalVars.length ? { global_var_list: globalVars } : {}),
          ...(args.callbackUrl ? { callback_url: args.callbackUrl } : {}),
        },
      },
      ctx,
    );
    return receiptOf(spec, answer);
  }

  async function startScript(args: FastExecuteScriptArgs, ctx: CallContext): Promise<JobLaunchReceipt> {
    if (!args.accountAlias && !args.accountId)
      throw new BadUserInputError('accountAlias or accountId is required', 'accountAlias');
    const timeout = args.timeoutSeconds ?? 7200;
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > 86400)
      throw new BadUserInputError('timeoutSeconds must be an integer from 1 to 86400', 'timeoutSeconds');
    if (!args.hostIds.length) throw new BadUserInputError('hostIds must not be empty', 'hostIds');
    if ((args.script === undefined) === (args.scriptId === undefined))
      throw new BadUserInputError('give exactly one of script and scriptId', 'script');
    if (args.script !== undefined && !args.language)
      throw new BadUserInputError('language is required with script', 'language');
    const spec = args.mode === 'system' ? jobSpecs.systemFastExecuteScript : jobSpecs.fastExecuteScript;
    const answer = await caller.callWithMeta<WireJobLaunch>(
      spec,
      {
        body: {
          ...scope(args.bizId),
          // A stored script runs its online version in its own language (JOB: script_id wins).
          ...(args.script !== undefined && args.language
            ? { script_content: base64(args.script), script_language: languageCode[args.language] }
            : { script_id: args.scriptId }),
          ...(args.params ? { script_param: base64(args.params) } : {}),
          is_param_sensitive: args.sensitive ? 1 : 0,
          timeout,
          // JOB prefers the id when both are given; send only the one that will be used.
          ...(args.accountId
            ? { account_id: wireId(args.accountId, 'accountId') }
            : { account_alias: args.accountAlias }),
          target_server: { host_id_list: wireIds(args.hostIds, 'hostIds') },
          ...(args.name ? { task_name: args.name } : {}),
          ...(args.callbackUrl ? { callback_url: args.callbackUrl } : {}),
        },
      },
      ctx,
    );
    return receiptOf(spec, answer);
  }

  return {
    async planList(args, ctx) {
      if (args.limit > JOB_LIMITS.planPage)
        throw new BadUserInputError(`limit must be at most ${JOB_LIMITS.planPage}`, 'limit');
      const data = await caller.call<WireJobPlanList>(
        jobSpecs.getJobPlanList,
        { query: { ...scope(args.bizId), name: args.name, start: args.start, length: args.limit } },
        ctx,
      );
      return { count: data.total, items: (data.data ?? []).map(toJobPlan) };
    },

    async planDetail(args, ctx) {
      const data = await caller.call<WireJobPlanDetail>(
        jobSpecs.getJobPlanDetail,
        { query: { ...scope(args.bizId), job_plan_id: wireId(args.planId, 'planId') } },
        ctx,
      );
      return toJobPlanDetail(data);
    },

    async scriptList(args, ctx) {
      if (args.limit > JOB_LIMITS.scriptPage)
        throw new BadUserInputError(`limit must be at most ${JOB_LIMITS.scriptPage}`, 'limit');
      const language = args.language === undefined ? undefined : scriptLanguageCode(args.language);
      if (language === null) throw new BadUserInputError('not a JOB script language', 'language');
      const data = await caller.call<WireScriptList>(
        jobSpecs.getScriptList,
        {
          query: {
            ...scope(args.bizId),
            name: args.name,
            script_language: language,
            start: args.start,
            length: args.limit,
          },
        },
        ctx,
      );
      return { count: data.total, items: (data.data ?? []).map((w) => toJobScript(w, args.bizId)) };
    },

    startJobPlan,
    startScript,
    async executeJobPlan(args, ctx) {
      return launchOf(await startJobPlan(args, ctx));
    },
    async fastExecuteScript(args, ctx) {
      return launchOf(await startScript(args, ctx));
    },

    async jobInstanceStatus(args, ctx) {
      const data = await caller.call<WireJobStatus>(
        args.mode === 'system' ? jobSpecs.systemGetJobInstanceStatus : jobSpecs.getJobInstanceStatus,
        {
          query: {
            ...scope(args.bizId),
            job_instance_id: wireId(args.jobInstanceId, 'jobInstanceId'),
            return_ip_result: args.withHosts ?? true,
          },
        },
        ctx,
      );
      return toJobInstance(data, args.bizId);
    },

    async batchHostLogs(args, ctx) {
      const step = {
        ...scope(args.bizId),
        job_instance_id: wireId(args.jobInstanceId, 'jobInstanceId'),
        step_instance_id: wireId(args.stepInstanceId, 'stepInstanceId'),
      };
      const hostIds = [...new Set(wireIds(args.hostIds, 'hostIds'))];
      const parts = await mapBounded(chunk(hostIds, JOB_LIMITS.hostLogsPerCall), concurrency, async (ids) =>
        toBatchLogs(
          await caller.call<WireBatchLogs>(
            jobSpecs.batchGetJobInstanceIpLog,
            { body: { ...step, host_id_list: ids } },
            ctx,
          ),
        ),
      );
      return parts.flat();
    },

    async hostLog(args, ctx) {
      const data = await caller.call<WireHostLog>(
        jobSpecs.getJobInstanceIpLog,
        {
          query: {
            ...scope(args.bizId),
            job_instance_id: wireId(args.jobInstanceId, 'jobInstanceId'),
            step_instance_id: wireId(args.stepInstanceId, 'stepInstanceId'),
            host_id: wireId(args.hostId, 'hostId'),
          },
        },
        ctx,
      );
      return toHostLog(data);
    },
  };
}
