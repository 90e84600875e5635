import { ArgsType, Field, ID, Int } from 'type-graphql';
import { ScriptLanguage } from './script-language.enum';

@ArgsType()
export class ScriptPageArgs {
  @Field(() => ID, { description: 'The business (CMDB bk_biz_id).' })
  businessId!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Only scripts whose name contains this (JOB matches fuzzily).',
  })
  name?: string | null;

  @Field(() => ScriptLanguage, { nullable: true, description: 'Only scripts in this language.' })
  language?: ScriptLanguage | null;

  @Field(() => Int, {
    nullable: true,
    defaultValue: 50,
    description: 'How many scripts to return, 1 to 1000.',
  })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Return the scripts after this cursor.' })
  after?: string | null;
}
