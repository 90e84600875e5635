import { registerEnumType } from 'type-graphql';

/** JOB's per-host task status (ExecuteObjectTaskStatusEnum) folded into what a user acts on. */
export enum JobHostStatus {
  WAITING = 'WAITING',
  RUNNING = 'RUNNING',
  SUCCESS = 'SUCCESS',
  FAILED = 'FAILED',
  TIMEOUT = 'TIMEOUT',
  AGENT_ERROR = 'AGENT_ERROR',
  TERMINATED = 'TERMINATED',
  OTHER = 'OTHER',
}

registerEnumType(JobHostStatus, {
  name: 'JobHostStatus',
  description:
    "One host's result in a step, grouped from JOB's host codes (CONTRACTS.md §4.3); `JobHostResult.statusCode` keeps the code.",
  valuesConfig: {
    WAITING: { description: '5: waiting to run.' },
    RUNNING: { description: '7: running.' },
    SUCCESS: { description: '9: succeeded; 3: succeeded in an earlier run of the step.' },
    FAILED: {
      description:
        'Failed: 0, 2, 11, 12, 15, 101, 104, 202, 203, 301, 311, 312, 320, 321, 329, 399, 404 and other documented failure codes.',
    },
    TIMEOUT: { description: 'Timed out: 13, 16, 17, 102, 303.' },
    AGENT_ERROR: { description: "The host's agent failed or is missing: 1, 18, 310." },
    TERMINATED: { description: 'Terminated: 103, 403.' },
    OTHER: { description: "500 (JOB's unknown) or a code this version of bk-graph does not know." },
  },
});
