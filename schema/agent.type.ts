import { Field, ObjectType } from 'type-graphql';
import { AgentStatus } from './agent-status.enum';

@ObjectType('Agent', {
  simpleResolvers: true,
  description: "A host's GSE agent, as GSE reports it now (cached for seconds at most).",
})
export class Agent {
  @Field(() => AgentStatus, { description: "The agent's state." })
  status!: AgentStatus;

  @Field(() => Boolean, {
    description: 'True only when the agent is RUNNING: the one state every GSE version agrees on.',
  })
  alive!: boolean;

  @Field(() => String, { nullable: true, description: 'Agent version, when GSE reports it (GSE 2.0).' })
  version?: string | null;
}
