import { registerEnumType } from 'type-graphql';

/** How an operator settles an approval the worker could not (resolveApproval). */
export enum ApprovalDecision {
  RUN_AGAIN = 'RUN_AGAIN',
  MARK_EXECUTED = 'MARK_EXECUTED',
  MARK_FAILED = 'MARK_FAILED',
}

registerEnumType(ApprovalDecision, {
  name: 'ApprovalDecision',
  description: "An operator's decision on an AMBIGUOUS (or FAILED) approval; audited with its note.",
  valuesConfig: {
    RUN_AGAIN: {
      description:
        'Run the plan once more, under a new key (AMBIGUOUS or FAILED approvals): JOB had not started it.',
    },
    MARK_EXECUTED: { description: 'JOB did start it: the approval is EXECUTED (AMBIGUOUS approvals).' },
    MARK_FAILED: {
      description: 'JOB did not start it, and it should not run: FAILED (AMBIGUOUS approvals).',
    },
  },
});
