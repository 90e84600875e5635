/** The jobs service's public surface: starting JOB executions, following them, reading them. */
export type {
  ExecutionRequest,
  JobLauncher,
  JobVariableInput,
  LaunchOptions,
  PlanExecution,
  ScriptExecution,
  ScriptLanguage,
  StartedJob,
} from './types';
export { createJobService, type JobService, type JobServiceDeps } from './job-service';
export { identityOf } from './launch';
export { jobTopic, type JobEvent } from './topics';
export {
  DEFAULT_POLL_INTERVALS,
  startJobPoller,
  type JobPoller,
  type JobPollerOptions,
  type PollEvent,
  type PollIntervals,
} from './poller';
export {
  createJobCallbackHandler,
  type JobCallbackDeps,
  type JobCallbackHandler,
  type JobCallbackRequest,
  type JobCallbackResponse,
} from './callback';
export { parseJobCallback, type JobCallback } from './callback-body';
export { executionHash } from './fingerprint';
export { validateExecution, type ValidExecution } from './validate';
