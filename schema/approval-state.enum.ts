import { registerEnumType } from 'type-graphql';

/** Where an approval-gated execution is (the store's approval states). */
export enum ApprovalState {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  EXECUTING = 'EXECUTING',
  EXECUTED = 'EXECUTED',
  FAILED = 'FAILED',
  AMBIGUOUS = 'AMBIGUOUS',
}

registerEnumType(ApprovalState, {
  name: 'ApprovalState',
  description:
    'Where an approval-gated plan run is. It moves PENDING → APPROVED → EXECUTING → EXECUTED (or FAILED, AMBIGUOUS), or PENDING → REJECTED; EXECUTED and REJECTED never change again.',
  valuesConfig: {
    PENDING: { description: 'Its ITSM ticket has not ended yet.' },
    APPROVED: {
      description: 'The ticket FINISHED with approve_result true (§7.7): queued to run, exactly once.',
    },
    REJECTED: {
      description: 'The ticket ended any other way (rejected, terminated, withdrawn): nothing runs.',
    },
    EXECUTING: { description: 'A worker is starting the plan in JOB.' },
    EXECUTED: { description: 'JOB started the job (see `job`). Final.' },
    FAILED: { description: 'JOB refused to start it (see `note`); resolveApproval RUN_AGAIN may retry.' },
    AMBIGUOUS: {
      description:
        'JOB may or may not have started it (a timeout, a crash mid-call): never run again by itself; an operator decides with resolveApproval.',
    },
  },
});
