import { registerEnumType } from 'type-graphql';

/** What a JOB step does (JOB step type 1–4). */
export enum JobStepType {
  SCRIPT = 'SCRIPT',
  FILE = 'FILE',
  MANUAL_CONFIRM = 'MANUAL_CONFIRM',
  SQL = 'SQL',
  UNKNOWN = 'UNKNOWN',
}

registerEnumType(JobStepType, {
  name: 'JobStepType',
  description: "What a JOB step does (JOB's step type).",
  valuesConfig: {
    SCRIPT: { description: '1: runs a script on the hosts.' },
    FILE: { description: '2: distributes files to the hosts.' },
    MANUAL_CONFIRM: { description: '3: waits for a person to confirm (no hosts).' },
    SQL: { description: '4: runs SQL.' },
    UNKNOWN: { description: 'A step type this version of bk-graph does not know.' },
  },
});
