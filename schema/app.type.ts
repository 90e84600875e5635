import { Field, ObjectType } from 'type-graphql';

@ObjectType('App', {
  simpleResolvers: true,
  description: 'A BlueKing PaaS application.',
})
export class App {
  @Field(() => String, { description: 'App code (bk_app_code).' })
  code!: string;

  @Field(() => String, { nullable: true, description: 'Display name.' })
  name?: string | null;

  @Field(() => [String], { description: 'Developers of the app.' })
  developers!: string[];
}
