import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('Set', {
  simpleResolvers: true,
  description: 'A CMDB set (集群): a group of modules inside a business.',
})
export class BkSet {
  @Field(() => ID, { description: 'CMDB bk_set_id.' })
  id!: string;

  @Field(() => String, { description: 'Set name (bk_set_name).' })
  name!: string;
}
