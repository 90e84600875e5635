import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { JobPayload } from '../schema/job-payload.type';
import { ExecuteJobPlanInput } from '../schema/job-plan-execution.input';
import { FastExecuteScriptInput } from '../schema/job-script-execution.input';
import type { GraphQLContext } from '../src/context';
import { startedJobNode, type JobNode } from '../src/graph/job-view';
import type { ExecutionRequest } from '../src/services/jobs';

/** Starts the execution once per idempotency key (the jobs service), then reads it from JOB. */
async function run(
  ctx: GraphQLContext,
  request: ExecutionRequest,
  idempotencyKey: string | null | undefined,
): Promise<{ job: JobNode }> {
  const actor = ctx.actor();
  const started = await ctx.services.jobs.launch(actor, request, { idempotencyKey: idempotencyKey ?? null });
  const job = await startedJobNode(ctx.loaders, ctx.services.jobs, actor, started, (error) =>
    ctx.logger.warn(
      { jobInstanceId: started.jobInstanceId, code: (error as { code?: unknown }).code ?? 'unknown' },
      'a started job could not be read from JOB; answering it as bk-graph recorded it',
    ),
  );
  return { job };
}

@Resolver()
export class JobMutationResolver {
  @Mutation(() => JobPayload, {
    description:
      'Runs an execution plan (JOB execute_job_plan) with bk-graph as its callback. At most once per idempotency key: a repeat answers the first execution without calling JOB; if JOB may or may not have started it, OUTCOME_UNKNOWN, then and on every repeat.',
  })
  executeJobPlan(
    @Arg('input', () => ExecuteJobPlanInput, {
      description: 'The plan, its variables and the idempotency key.',
    })
    input: ExecuteJobPlanInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<{ job: JobNode }> {
    return run(
      ctx,
      {
        kind: 'plan',
        bizId: input.businessId,
        planId: input.planId,
        variables: input.variables,
      },
      input.idempotencyKey,
    );
  }

  @Mutation(() => JobPayload, {
    description:
      'Runs a script on hosts (JOB fast_execute_script): plain text that bk-graph encodes, or a stored script by id. At most once per idempotency key, as executeJobPlan.',
  })
  fastExecuteScript(
    @Arg('input', () => FastExecuteScriptInput, {
      description: 'The script, its targets and account, and the idempotency key.',
    })
    input: FastExecuteScriptInput,
    @Ctx() ctx: GraphQLContext,
  ): Promise<{ job: JobNode }> {
    return run(
      ctx,
      {
        kind: 'script',
        bizId: input.businessId,
        script: input.script,
        scriptId: input.scriptId,
        language: input.language,
        params: input.params,
        sensitiveParams: input.sensitiveParams,
        timeoutSeconds: input.timeoutSeconds,
        accountAlias: input.accountAlias,
        accountId: input.accountId,
        hostIds: input.hostIds,
        name: input.name,
      },
      input.idempotencyKey,
    );
  }
}
