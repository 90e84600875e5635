import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('Module', {
  simpleResolvers: true,
  description: 'A CMDB module (模块): where hosts are placed inside a set.',
})
export class BkModule {
  @Field(() => ID, { description: 'CMDB bk_module_id.' })
  id!: string;

  @Field(() => String, { description: 'Module name (bk_module_name).' })
  name!: string;
}
