import { DateTimeResolver, JSONObjectResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('AuditEntry', {
  simpleResolvers: true,
  description: "One side effect a mutation had (or tried to have), from bk-graph's audit log.",
})
export class AuditEntry {
  @Field(() => ID, { description: "The entry's id (increasing)." })
  id!: string;

  @Field(() => DateTimeResolver, { description: "When it was recorded (the store's clock)." })
  at!: Date;

  @Field(() => String, { description: 'Who did it (user name).' })
  actor!: string;

  @Field(() => String, { description: 'The mutation: executeJobPlan, fastExecuteScript, …' })
  action!: string;

  @Field(() => String, {
    nullable: true,
    description:
      'What it was done to, e.g. `plan 1001 in business 3` or `script sha256:<hex> in business 3`; never a script or its params.',
  })
  target!: string | null;

  @Field(() => Int, { nullable: true, description: 'How many target hosts the mutation named itself.' })
  hostCount!: number | null;

  @Field(() => String, { nullable: true, description: 'The idempotency key the caller gave.' })
  idempotencyKey!: string | null;

  @Field(() => String, { nullable: true, description: "The upstream's id of its answer (JOB's request id)." })
  upstreamRequestId!: string | null;

  @Field(() => String, {
    description: '`ok`, `unknown` (the upstream outcome cannot be known) or `failed: <CODE>`.',
  })
  outcome!: string;

  @Field(() => JSONObjectResolver, {
    nullable: true,
    description:
      "Small, secret-free facts of the entry: ids (a ticket's sn, an approval's, JOB's instance), the upstream's error code, an operator's decision with its note and the states it moved between, bk-graph's request id.",
  })
  detail!: Record<string, unknown> | null;
}
