import { Field, ID, InputType, Int } from 'type-graphql';

@InputType('HostFilter', { description: "Narrows a business's hosts. All given conditions must hold." })
export class HostFilter {
  @Field(() => [String], {
    nullable: true,
    description: 'Hosts whose inner IP is one of these (at most 500).',
  })
  innerIps?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Hosts whose name contains this text.' })
  nameContains?: string | null;

  @Field(() => String, { nullable: true, description: 'LINUX, WINDOWS, AIX, or a raw CMDB bk_os_type code.' })
  osType?: string | null;

  @Field(() => Int, { nullable: true, description: 'Hosts in this cloud area.' })
  cloudId?: number | null;

  @Field(() => [ID], { nullable: true, description: 'Hosts in one of these sets (at most 200).' })
  setIds?: string[] | null;

  @Field(() => [ID], { nullable: true, description: 'Hosts in one of these modules (at most 500).' })
  moduleIds?: string[] | null;
}
