import { Field, ID, InputType } from 'type-graphql';

@InputType('JobVariableInput', {
  description:
    "A value for one of the plan's global variables, named by id or name (the id wins): `value` for string-like variables, `hostIds` for a host list.",
})
export class JobVariableInput {
  @Field(() => ID, { nullable: true, description: "The variable's id (JobVariable.id)." })
  id?: string | null;

  @Field(() => String, { nullable: true, description: "The variable's name, when no id is given." })
  name?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The value of a string, namespace, password or array variable.',
  })
  value?: string | null;

  @Field(() => [ID], { nullable: true, description: 'The hosts (CMDB bk_host_id) of a HOST_LIST variable.' })
  hostIds?: string[] | null;
}
