import type { Actor } from '../actor';

/** A JOB variable as a mutation gives it: by id or name; a value, or hosts for host lists. */
export interface JobVariableInput {
  id?: string | null;
  name?: string | null;
  value?: string | null;
  hostIds?: string[] | null;
}

export type ScriptLanguage = 'SHELL' | 'BAT' | 'PERL' | 'PYTHON' | 'POWERSHELL' | 'SQL';

export interface PlanExecution {
  kind: 'plan';
  bizId: string;
  planId: string;
  variables?: JobVariableInput[] | null;
}

export interface ScriptExecution {
  kind: 'script';
  bizId: string;
  /** Plain text (bk-graph base64-encodes it for JOB); or `scriptId`. */
  script?: string | null;
  /** A stored script's online version (get_script_list). */
  scriptId?: string | null;
  /** Required with `script`. */
  language?: ScriptLanguage | null;
  params?: string | null;
  sensitiveParams?: boolean | null;
  /** 1..86400, default 7200. */
  timeoutSeconds?: number | null;
  /** One of accountAlias / accountId is required. */
  accountAlias?: string | null;
  accountId?: string | null;
  hostIds: string[];
  name?: string | null;
}

export type ExecutionRequest = PlanExecution | ScriptExecution;

export interface LaunchOptions {
  /** Per actor: the same key and input give the same job, never a second run. */
  idempotencyKey?: string | null;
  /** The approval this execution carries out (issue 17), recorded with the job. */
  approvalId?: string | null;
}

/** A job bk-graph started, as the store keeps it. */
export interface StartedJob {
  /** bk-graph's own id of the execution. */
  id: string;
  /** JOB's job_instance_id. */
  jobInstanceId: string;
  bizId: string;
  name: string | null;
  kind: 'plan' | 'script';
  createdBy: string;
  /** JOB RunStatus code as last known (null until the first status arrives). */
  status: number | null;
  finished: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Starts JOB executions at most once per idempotency key. Throws BkGraphErrors:
 * BAD_USER_INPUT naming the field (before JOB is called), FORBIDDEN / UPSTREAM_* as JOB answered,
 * OUTCOME_UNKNOWN when JOB may or may not have started the job (never retried by itself),
 * UPSTREAM_UNAVAILABLE naming the store when the store is down (nothing is sent to JOB).
 */
export interface JobLauncher {
  launch(actor: Actor, request: ExecutionRequest, options?: LaunchOptions): Promise<StartedJob>;
}
