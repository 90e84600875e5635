export { createJobClient } from './client';
export type {
  ExecuteJobPlanArgs,
  FastExecuteScriptArgs,
  JobCallMode,
  JobClient,
  JobClientOptions,
  JobLaunchReceipt,
  JobVariableArg,
  ScriptLanguage,
  StepRef,
} from './client';
export { JOB_LIMITS, jobSpecs } from './specs';
export * as jobMap from './map';
