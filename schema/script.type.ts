import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, ObjectType } from 'type-graphql';
import { ScriptLanguage } from './script-language.enum';

@ObjectType('Script', {
  simpleResolvers: true,
  description:
    'A business script stored in JOB (业务脚本, get_script_list). `fastExecuteScript(input: {scriptId})` runs its online version.',
})
export class Script {
  @Field(() => ID, { description: "JOB's script id (32 hex characters)." })
  id!: string;

  @Field(() => String, { description: 'Script name.' })
  name!: string;

  @Field(() => ScriptLanguage, { description: "The script's language." })
  language!: ScriptLanguage;

  @Field(() => ID, {
    nullable: true,
    description: 'The version that runs by this script id; null when none is online (it cannot run then).',
  })
  onlineVersionId!: string | null;

  @Field(() => String, { nullable: true, description: 'Who created the script.' })
  creator!: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the script was created.' })
  createdAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Who changed the script last.' })
  updatedBy!: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the script was changed last.' })
  updatedAt!: Date | null;
}
