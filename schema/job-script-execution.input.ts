import { Field, ID, InputType, Int } from 'type-graphql';
import { ScriptLanguage } from './script-language.enum';

@InputType('FastExecuteScriptInput', {
  description: 'Runs a script on hosts (JOB fast_execute_script): plain text, or a stored script by id.',
})
export class FastExecuteScriptInput {
  @Field(() => ID, { description: 'The business (CMDB bk_biz_id) the hosts belong to.' })
  businessId!: string;

  @Field(() => String, {
    nullable: true,
    description: 'The script as plain text (bk-graph encodes it for JOB); or give scriptId, not both.',
  })
  script?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: "A stored script (Script.id): JOB runs its online version, in the script's own language.",
  })
  scriptId?: string | null;

  @Field(() => ScriptLanguage, { nullable: true, description: 'The language of `script`; required with it.' })
  language?: ScriptLanguage | null;

  @Field(() => String, { nullable: true, description: "The script's parameters, as one string." })
  params?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: 'JOB hides the params in its records and logs; they are never in the audit log either way.',
  })
  sensitiveParams?: boolean | null;

  @Field(() => Int, { nullable: true, defaultValue: 7200, description: 'Timeout in seconds, 1 to 86400.' })
  timeoutSeconds?: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'The execution account by alias (e.g. root); this or accountId is required.',
  })
  accountAlias?: string | null;

  @Field(() => ID, {
    nullable: true,
    description: 'The execution account by JOB id (wins over accountAlias).',
  })
  accountId?: string | null;

  @Field(() => [ID], { description: 'The target hosts (CMDB bk_host_id) in the business.' })
  hostIds!: string[];

  @Field(() => String, {
    nullable: true,
    description: "The execution's name in JOB (at most 512 characters).",
  })
  name?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Per caller: the same key with the same input answers the first execution and starts nothing; with other input it is BAD_USER_INPUT.',
  })
  idempotencyKey?: string | null;
}
