import { ObjectType } from 'type-graphql';
import { Connection } from './connection';
import { Host } from './host.type';

@ObjectType('HostConnection', {
  simpleResolvers: true,
  description: 'A page of hosts, ordered by bk_host_id.',
})
export class HostConnection extends Connection(Host, 'Host') {}
