import { Field, ID, ObjectType } from 'type-graphql';
import { JobVariableType } from './job-variable-type.enum';

@ObjectType('JobVariable', {
  simpleResolvers: true,
  description: "A global variable of an execution plan, with the plan's default.",
})
export class JobVariable {
  @Field(() => ID, { description: "JOB's variable id (pass it, or the name, in JobVariableInput)." })
  id!: string;

  @Field(() => String, { description: 'Variable name.' })
  name!: string;

  @Field(() => JobVariableType, { description: 'Variable type.' })
  type!: JobVariableType;

  @Field(() => String, { nullable: true, description: 'What the variable is for.' })
  description!: string | null;

  @Field(() => Boolean, { description: 'An execution must give it a value (or keep the default).' })
  required!: boolean;

  @Field(() => String, {
    nullable: true,
    description: 'The default of string-like variables; always null for PASSWORD and HOST_LIST.',
  })
  value!: string | null;
}
