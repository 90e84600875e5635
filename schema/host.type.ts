import { Field, ID, Int, ObjectType } from 'type-graphql';

// simpleResolvers (on every object type here): bk-graph uses no type-graphql middleware or auth
// checker, so plain fields read the property directly instead of going through type-graphql's
// per-field middleware wrapper, which allocates on every field of every host of a 1000-host page.
@ObjectType('Host', {
  simpleResolvers: true,
  description: 'A CMDB host (主机). Its business, sets, modules and agent are fields of their own.',
})
export class Host {
  @Field(() => ID, { description: 'CMDB bk_host_id.' })
  id!: string;

  @Field(() => String, {
    description: 'The first inner IPv4 (CMDB may store several, comma-joined); empty for IPv6-only hosts.',
  })
  innerIp!: string;

  @Field(() => [String], { description: 'Every inner IPv4 CMDB stores for the host, in CMDB order.' })
  innerIps!: string[];

  @Field(() => String, { nullable: true, description: 'Inner IPv6 (bk_host_innerip_v6).' })
  innerIpv6?: string | null;

  @Field(() => String, { nullable: true, description: 'Outer IPv4 (bk_host_outerip).' })
  outerIp?: string | null;

  @Field(() => String, { nullable: true, description: 'Host name (bk_host_name).' })
  name?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'LINUX, WINDOWS or AIX; another CMDB value as CMDB stores it; null when CMDB has none.',
  })
  osType?: string | null;

  @Field(() => String, { nullable: true, description: 'OS name (bk_os_name).' })
  osName?: string | null;

  @Field(() => Int, { description: 'Cloud area id (bk_cloud_id); 0 is the default area.' })
  cloudId!: number;

  @Field(() => String, {
    nullable: true,
    description: 'GSE 2.0 agent id (bk_agent_id), null when the host has none.',
  })
  agentId?: string | null;
}
