import { registerEnumType } from 'type-graphql';

/** The type of an execution plan's global variable (JOB variable type 1–5). */
export enum JobVariableType {
  STRING = 'STRING',
  NAMESPACE = 'NAMESPACE',
  HOST_LIST = 'HOST_LIST',
  PASSWORD = 'PASSWORD',
  ARRAY = 'ARRAY',
  UNKNOWN = 'UNKNOWN',
}

registerEnumType(JobVariableType, {
  name: 'JobVariableType',
  description: "The type of an execution plan's global variable (JOB's variable type).",
  valuesConfig: {
    STRING: { description: '1: a string (`value`).' },
    NAMESPACE: { description: '2: a namespace (`value`).' },
    HOST_LIST: { description: '3: a list of hosts (`hosts`).' },
    PASSWORD: { description: '4: a password: its value is never shown.' },
    ARRAY: { description: '5: an array, as JOB stores it (`value`).' },
    UNKNOWN: { description: 'A variable type this version of bk-graph does not know.' },
  },
});
