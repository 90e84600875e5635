import { jobMap } from '../../src/upstream/job';
import { fixtureData } from './fixtures';

describe('JOB mapping of real BlueKing payloads', () => {
  it('maps get_job_instance_status with millisecond times as dates and named statuses', () => {
    const job = jobMap.toJobInstance(fixtureData('job.get_job_instance_status'));
    expect(job).toMatchObject({
      id: '100',
      businessId: '1',
      name: 'API Quick execution script1521089795887',
      status: 'FAIL',
      statusCode: 4,
      finished: true,
      createdAt: new Date(1605064271000),
      startedAt: new Date(1605064271000),
      endedAt: new Date(1605064272000),
    });
    expect(job.steps).toEqual([
      {
        id: '75',
        name: 'API Quick execution scriptxxx',
        type: 'SCRIPT',
        status: 'FAIL',
        statusCode: 4,
        createdAt: new Date(1605064271000),
        startedAt: new Date(1605064271000),
        endedAt: new Date(1605064272000),
        hosts: [
          { hostId: '101', ip: '127.0.0.1', cloudId: 0, status: 'SUCCESS', statusCode: 9, exitCode: 0 },
        ],
      },
    ]);
  });

  it('names every documented job status and folds host statuses', () => {
    expect([1, 2, 3, 7, 11, 13, 15, 99].map(jobMap.jobStatusName)).toEqual([
      'BLANK',
      'RUNNING',
      'SUCCESS',
      'WAITING_USER',
      'STOP_SUCCESS',
      'CONFIRM_TERMINATED',
      'ROLLING_WAITING',
      'UNKNOWN',
    ]);
    expect(jobMap.jobStatusCode('SUCCESS')).toBe(3);
    expect([9, 3, 5, 7, 11, 104, 13, 403, 18, 500].map(jobMap.hostStatusName)).toEqual([
      'SUCCESS',
      'SUCCESS',
      'WAITING',
      'RUNNING',
      'FAILED',
      'FAILED',
      'TIMEOUT',
      'TERMINATED',
      'AGENT_ERROR',
      'UNKNOWN',
    ]);
  });

  it('maps get_job_plan_list rows', () => {
    const data = fixtureData<{ data: never[] }>('job.get_job_plan_list');
    expect(data.data.map(jobMap.toJobPlan)).toEqual([
      {
        id: '100',
        businessId: '1',
        templateId: '1',
        name: 'test',
        creator: 'admin',
        createdAt: new Date(1546272000000),
        updatedBy: 'admin',
        updatedAt: new Date(1546272000000),
        needUpdate: true,
      },
    ]);
  });

  it('maps get_job_plan_detail variables (host lists as host ids) and steps', () => {
    const plan = jobMap.toJobPlanDetail(fixtureData('job.get_job_plan_detail'));
    expect(plan).toMatchObject({
      id: '100',
      businessId: '1',
      name: 'test',
      updatedAt: new Date(1577807999999),
    });
    expect(plan.variables).toEqual([
      {
        id: '11',
        name: 'varName',
        type: 'STRING',
        description: 'hello',
        required: true,
        value: 'value is Me',
        hostIds: [],
      },
      {
        id: '12',
        name: 'servers',
        type: 'HOST_LIST',
        description: null,
        required: false,
        value: null,
        hostIds: ['101', '102'],
      },
    ]);
    expect(plan.steps).toEqual([
      { id: '1059', name: 'run local script', type: 'SCRIPT' },
      { id: '1060', name: 'run cite script', type: 'SCRIPT' },
      { id: '1061', name: 'xxx', type: 'FILE' },
    ]);
  });

  it('never passes on the value of a password variable', () => {
    const plan = jobMap.toJobPlanDetail({
      job_plan_id: 1,
      global_var_list: [{ id: 1, type: 4, value: 's3cret' }],
    });
    expect(plan.variables[0]?.value).toBeNull();
  });

  it('maps execute_job_plan and fast_execute_script answers', () => {
    expect(jobMap.toJobLaunch(fixtureData('job.execute_job_plan'))).toEqual({
      jobInstanceId: '10000',
      name: 'Test',
      stepInstanceId: null,
    });
    expect(jobMap.toJobLaunch(fixtureData('job.fast_execute_script'))).toEqual({
      jobInstanceId: '10000',
      name: 'API Quick execution script1521100521303',
      stepInstanceId: '10001',
    });
  });

  it('maps batch script logs and batch file logs', () => {
    const script = jobMap.toBatchLogs(fixtureData('job.batch_get_job_instance_ip_log.script'));
    expect(script).toEqual([
      {
        hostId: '101',
        ip: '127.0.0.1',
        cloudId: 0,
        logType: 'SCRIPT',
        content: '[2018-03-15 14:39:30][PID:56875] job_start\n',
        fileLogs: [],
      },
      {
        hostId: '102',
        ip: '127.0.0.2',
        cloudId: 0,
        logType: 'SCRIPT',
        content: '[2018-03-15 14:39:30][PID:16789] job_start\n',
        fileLogs: [],
      },
    ]);
    const file = jobMap.toBatchLogs(fixtureData('job.batch_get_job_instance_ip_log.file'));
    expect(file.map((l) => [l.hostId, l.logType, l.content, l.fileLogs.map((f) => f.mode)])).toEqual([
      ['101', 'FILE', null, ['DOWNLOAD']],
      ['102', 'FILE', null, ['UPLOAD']],
    ]);
    expect(file[0]?.fileLogs[0]).toMatchObject({
      srcHostId: '102',
      srcIp: '127.0.0.2',
      destHostId: '101',
      destPath: '/tmp/1.log',
      statusCode: 4,
    });
  });

  it('maps single-host logs, reading the doc example that spells host_id', () => {
    expect(jobMap.toHostLog(fixtureData('job.get_job_instance_ip_log.script'))).toMatchObject({
      hostId: '101',
      logType: 'SCRIPT',
      content: '[2018-03-15 14:39:30][PID:56875] job_start\n',
    });
    const file = jobMap.toHostLog(fixtureData('job.get_job_instance_ip_log.file'));
    expect(file.logType).toBe('FILE');
    expect(file.fileLogs.map((f) => f.srcHostId)).toEqual(['102', '102']);
  });
});
