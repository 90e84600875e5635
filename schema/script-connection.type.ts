import { ObjectType } from 'type-graphql';
import { Connection } from './connection';
import { Script } from './script.type';

@ObjectType('ScriptConnection', {
  simpleResolvers: true,
  description: "A page of a business's scripts, in JOB's order (newest change first in the sandbox).",
})
export class ScriptConnection extends Connection(Script, 'Script') {}
