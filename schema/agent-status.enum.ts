import { registerEnumType } from 'type-graphql';

export enum AgentStatus {
  RUNNING = 'RUNNING',
  NOT_RUNNING = 'NOT_RUNNING',
  NOT_INSTALLED = 'NOT_INSTALLED',
  UNKNOWN = 'UNKNOWN',
}

registerEnumType(AgentStatus, {
  name: 'AgentStatus',
  description: "State of a host's GSE agent.",
  valuesConfig: {
    RUNNING: { description: 'The agent runs and reports (GSE 2.0 status_code 2, GSE 1.0 bk_agent_alive 1).' },
    NOT_RUNNING: {
      description: 'GSE knows the agent but it is not running (stopped, starting, lossy, busy...).',
    },
    NOT_INSTALLED: { description: 'GSE does not know an agent for this host.' },
    UNKNOWN: { description: 'GSE could not be asked (no agent id and no IPv4) or did not say.' },
  },
});
