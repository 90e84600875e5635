import { Field, ObjectType } from 'type-graphql';

@ObjectType('User', {
  simpleResolvers: true,
  description: 'A BlueKing user, as bk-login knows them.',
})
export class User {
  @Field(() => String, { description: 'Login name (bk_username).' })
  username!: string;

  @Field(() => String, { nullable: true, description: 'Name to show people; null when bk-login has none.' })
  displayName!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Tenant the user belongs to; null on single-tenant installs.',
  })
  tenantId!: string | null;

  @Field(() => String, { nullable: true, description: 'Preferred language (`zh-cn` or `en`).' })
  language!: string | null;
}
