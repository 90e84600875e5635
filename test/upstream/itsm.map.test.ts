import { itsmMap } from '../../src/upstream/itsm';
import { parseBkDateTime } from '../../src/upstream/mapping';
import { fixtureData } from './fixtures';

describe('ITSM mapping of real BlueKing payloads', () => {
  it('reads ITSM datetimes as Asia/Shanghai unless they carry their own offset', () => {
    expect(parseBkDateTime('2020-08-31 20:57:22')).toEqual(new Date('2020-08-31T12:57:22Z'));
    expect(parseBkDateTime('2020-08-31 20:57:22', '+00:00')).toEqual(new Date('2020-08-31T20:57:22Z'));
    expect(parseBkDateTime('2020-08-31 20:57:22.123456+08:00')).toEqual(new Date('2020-08-31T12:57:22.123Z'));
    expect(parseBkDateTime('not a date')).toBeNull();
    expect(parseBkDateTime(null)).toBeNull();
  });

  it('maps create_ticket', () => {
    expect(itsmMap.toCreatedTicket(fixtureData('itsm.create_ticket'))).toEqual({
      sn: 'NO2019090519542603',
      id: '101',
      url: 'http://bk_itsm/#/ticket/detail?id=101',
    });
  });

  it('maps get_ticket_status steps, processors and operations', () => {
    const s = itsmMap.toTicketStatus('NO1', fixtureData('itsm.get_ticket_status'));
    expect(s).toMatchObject({
      sn: 'NO1',
      status: 'SUSPENDED',
      url: expect.stringContaining('https://blueking.com/'),
    });
    expect(s.operations).toEqual([
      { key: 'WITHDRAW', name: '撤单', canOperate: true },
      { key: 'UNSUSPEND', name: '恢复', canOperate: true },
    ]);
    expect(s.steps[0]).toMatchObject({
      name: '法务审批',
      stateId: '4',
      status: 'RUNNING',
      processors: ['zhangsan'],
    });
    expect(s.steps[0]?.operations.map((o) => o.key)).toEqual(['TRANSITION', 'DELIVER', 'TERMINATE']);
  });

  it('maps get_ticket_info with dates in UTC+8 and the creator without its display name', () => {
    const t = itsmMap.toTicketDetail(fixtureData('itsm.get_ticket_info'));
    expect(t).toMatchObject({
      id: '176',
      sn: 'NO2019090414050083',
      title: 'xxxxx',
      status: 'RUNNING',
      serviceId: '18',
      createdBy: 'xxx',
      createdAt: new Date('2019-09-04T06:05:00Z'),
      updatedBy: 'xxxx',
      updatedAt: new Date('2019-09-04T06:05:01Z'),
      endedAt: null,
      approveResult: null,
    });
    expect(t.fields[1]).toEqual({ key: 'bk_biz_id', name: '标题', value: '2', displayValue: '蓝鲸' });
  });

  it('maps ticket_approval_result rows', () => {
    const rows = fixtureData<never[]>('itsm.ticket_approval_result').map((w) => itsmMap.toApprovalTicket(w));
    expect(rows).toEqual([
      {
        sn: 'REQ20200831000005',
        title: '测试内置审批',
        status: 'FINISHED',
        approveResult: true,
        url: 'https://***',
        createdBy: null,
        createdAt: null,
        updatedBy: 'xx,xxx',
        updatedAt: new Date('2020-08-31T12:57:22Z'),
      },
    ]);
  });

  it('maps get_services', () => {
    expect(fixtureData<never[]>('itsm.get_services').map(itsmMap.toService)).toEqual([
      { id: '3', name: 'test1', serviceType: 'request', description: '1' },
      { id: '4', name: 'test2', serviceType: 'request', description: '2' },
    ]);
  });
});
