export { createJobClient } from './client';
export type {
  ExecuteJobPlanArgs,
  FastExecuteScriptArgs,
  JobClient,
  JobClientOptions,
  JobVariableArg,
  ScriptLanguage,
  StepRef,
} from './client';
export { JOB_LIMITS, jobSpecs } from './specs';
export * as jobMap from './map';
