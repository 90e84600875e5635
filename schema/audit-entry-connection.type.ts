import { ObjectType } from 'type-graphql';
import { AuditEntry } from './audit-entry.type';
import { Connection } from './connection';

@ObjectType('AuditEntryConnection', {
  simpleResolvers: true,
  description: "A page of the caller's own audit entries, newest first.",
})
export class AuditEntryConnection extends Connection(AuditEntry, 'AuditEntry') {}
