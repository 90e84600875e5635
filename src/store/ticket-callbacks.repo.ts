import type { Kysely } from 'kysely';
import { capBody } from './cap-body';
import type { Database } from './database';

export interface TicketCallbackInput {
  /** Null when the body did not name one (it is kept anyway, as evidence). */
  sn: string | null;
  /** Capped at 64 KiB. */
  body: string;
  /** Whether the callback's token matched; null when it could not be checked. */
  tokenOk: boolean | null;
  /** What the callback route made of it, e.g. `applied`, `duplicate`, `unknown_ticket`. */
  outcome: string;
}

/** The inbox of ITSM callbacks: every one is written before it is answered. */
export function ticketCallbacksRepo(db: Kysely<Database>) {
  return {
    /** Returns the inbox row's id. */
    async record(input: TicketCallbackInput): Promise<number> {
      const row = await db
        .insertInto('ticket_callbacks')
        .values({
          sn: input.sn,
          body: capBody(input.body),
          token_ok: input.tokenOk,
          outcome: input.outcome,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return Number(row.id);
    },
  };
}

export type TicketCallbacksRepo = ReturnType<typeof ticketCallbacksRepo>;
