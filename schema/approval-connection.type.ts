import { ObjectType } from 'type-graphql';
import { Approval } from './approval.type';
import { Connection } from './connection';

@ObjectType('ApprovalConnection', {
  simpleResolvers: true,
  description: "A page of the caller's approvals (an admin's: everyone's), newest first.",
})
export class ApprovalConnection extends Connection(Approval, 'Approval') {}
