import { registerEnumType } from 'type-graphql';

/** JOB's RunStatusEnum (CONTRACTS.md §4.3), by name; `statusCode` fields carry the number. */
export enum JobStatus {
  BLANK = 'BLANK',
  RUNNING = 'RUNNING',
  SUCCESS = 'SUCCESS',
  FAIL = 'FAIL',
  SKIPPED = 'SKIPPED',
  IGNORE_ERROR = 'IGNORE_ERROR',
  WAITING_USER = 'WAITING_USER',
  TERMINATED = 'TERMINATED',
  ABNORMAL_STATE = 'ABNORMAL_STATE',
  STOPPING = 'STOPPING',
  STOP_SUCCESS = 'STOP_SUCCESS',
  STOP_FAILED = 'STOP_FAILED',
  CONFIRM_TERMINATED = 'CONFIRM_TERMINATED',
  ABANDONED = 'ABANDONED',
  ROLLING_WAITING = 'ROLLING_WAITING',
  UNKNOWN = 'UNKNOWN',
}

registerEnumType(JobStatus, {
  name: 'JobStatus',
  description:
    "A JOB execution's or step's status (JOB RunStatus, CONTRACTS.md §4.3). Finished: SUCCESS, FAIL, SKIPPED, IGNORE_ERROR, TERMINATED, ABNORMAL_STATE, STOP_SUCCESS, CONFIRM_TERMINATED, ABANDONED.",
  valuesConfig: {
    BLANK: { description: '1: not started yet, waiting to run (未执行).' },
    RUNNING: { description: '2: running (正在执行).' },
    SUCCESS: { description: '3: succeeded (执行成功). Finished.' },
    FAIL: { description: '4: failed (执行失败). Finished.' },
    SKIPPED: { description: '5: skipped (跳过). Finished.' },
    IGNORE_ERROR: { description: '6: failed, error ignored (忽略错误). Finished.' },
    WAITING_USER: { description: '7: waiting for a user (a manual confirmation step, 等待用户).' },
    TERMINATED: { description: '8: ended by hand (手动结束). Finished.' },
    ABNORMAL_STATE: { description: '9: abnormal state (状态异常). Finished.' },
    STOPPING: { description: '10: being force-stopped (强制终止中).' },
    STOP_SUCCESS: { description: '11: force-stopped (强制终止成功). Finished.' },
    STOP_FAILED: {
      description:
        '12: force-stop failed (强制终止失败; documented for steps, absent from the current enum).',
    },
    CONFIRM_TERMINATED: { description: '13: a manual confirmation was refused (确认终止). Finished.' },
    ABANDONED: { description: '14: abandoned (被丢弃). Finished.' },
    ROLLING_WAITING: { description: '15: a rolling execution waits for its next batch (滚动等待).' },
    UNKNOWN: {
      description: 'A code this version of bk-graph does not know (see statusCode), or no status read yet.',
    },
  },
});
