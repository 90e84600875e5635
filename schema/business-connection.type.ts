import { ObjectType } from 'type-graphql';
import { Business } from './business.type';
import { Connection } from './connection';

@ObjectType('BusinessConnection', {
  simpleResolvers: true,
  description: 'A page of businesses (CMDB search_business).',
})
export class BusinessConnection extends Connection(Business, 'Business') {}
