/**
 * `POST /_sandbox/itsm/auto {"approveNext", "rejectNext", "delayMs"}`: the next tickets that
 * create_ticket makes are decided without anyone calling `/approve` or `/reject`: approvals
 * first, then rejections. The decision comes `delayMs` after create_ticket has answered; with 0
 * it comes right after, in the same turn, so its callback may reach the receiver before the
 * creator has even read create_ticket's answer (ITSM can be that fast). Cleared by `{}` and by a
 * data reset.
 */
export interface AutoDecide {
  approveNext: number;
  rejectNext: number;
  delayMs: number;
}

/** true: approve, false: reject, null: leave the ticket to a person. Consumes one decision. */
export function takeDecision(auto: AutoDecide): boolean | null {
  if (auto.approveNext > 0) {
    auto.approveNext--;
    return true;
  }
  if (auto.rejectNext > 0) {
    auto.rejectNext--;
    return false;
  }
  return null;
}
