import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { TicketStatus } from './ticket-status.enum';

@ObjectType('Ticket', {
  simpleResolvers: true,
  description:
    "An ITSM ticket bk-graph filed (createTicket, or requestJobPlanExecution's approval ticket), as bk-graph stored it from ITSM's answers and callbacks. Its steps, operations and fields are ITSM's live view, read when asked.",
})
export class Ticket {
  @Field(() => String, { description: 'ITSM sn, e.g. NO2019090519542603.' })
  sn!: string;

  @Field(() => ID, { description: 'The ITSM service (ItsmService.id) it was filed under.' })
  serviceId!: string;

  @Field(() => String, { description: "The ticket's title." })
  title!: string;

  @Field(() => TicketStatus, { description: "ITSM's status of the ticket." })
  status!: TicketStatus;

  @Field(() => String, {
    description: "ITSM's current_status as it gave it (services may define statuses of their own).",
  })
  currentStatus!: string;

  @Field(() => Boolean, {
    description: 'The ticket has ended (FINISHED, TERMINATED or REVOKED): it never changes again.',
  })
  ended!: boolean;

  @Field(() => Boolean, {
    nullable: true,
    description:
      "ITSM's approve_result once the ticket ended: true only for a FINISHED ticket every approval node of which approved (§7.7); null while it runs.",
  })
  approveResult!: boolean | null;

  @Field(() => String, { nullable: true, description: "The ticket's page in ITSM." })
  url!: string | null;

  @Field(() => String, { nullable: true, description: 'Who filed it (the caller of the mutation).' })
  createdBy!: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When bk-graph filed it.' })
  createdAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Who last changed it in ITSM (updated_by).' })
  updatedBy!: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When ITSM last changed it (update_at).' })
  updatedAt!: Date | null;

  @Field(() => Int, {
    description:
      'Bumped by every change bk-graph stored: two answers with one version are the same ticket state.',
  })
  version!: number;
}
