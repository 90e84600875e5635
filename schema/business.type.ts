import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('Business', {
  simpleResolvers: true,
  description: 'A CMDB business (业务): the unit that owns sets, modules and hosts.',
})
export class Business {
  @Field(() => ID, { description: 'CMDB bk_biz_id.' })
  id!: string;

  @Field(() => String, { description: 'Business name (bk_biz_name).' })
  name!: string;

  @Field(() => [String], { description: 'Operations maintainers (bk_biz_maintainer), in CMDB order.' })
  maintainers!: string[];
}
