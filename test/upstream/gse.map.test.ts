import { gseMap } from '../../src/upstream/gse';
import { fixtureData } from './fixtures';

describe('GSE mapping of real BlueKing payloads', () => {
  const host = { hostId: '7', cloudId: 0, ip: '10.0.0.1' };

  it('maps GSE 1.0 get_agent_status (and get_agent_info versions) keyed by cloud:ip', () => {
    const states = gseMap.fromV1Maps(
      [host, { hostId: '8', cloudId: 0, ip: '10.0.0.9' }, { hostId: '9', cloudId: 0 }],
      fixtureData('gse.get_agent_status'),
      fixtureData('gse.get_agent_info'),
    );
    expect(states.get('7')).toEqual({
      key: '0:10.0.0.1',
      cloudId: 0,
      ip: '10.0.0.1',
      status: 'RUNNING',
      alive: true,
      version: 'V0.01R060D38',
    });
    // Absent from GSE's map: no agent there.
    expect(states.get('8')).toMatchObject({ key: '0:10.0.0.9', status: 'NOT_INSTALLED', alive: false });
    // No IPv4: GSE 1.0 cannot be asked.
    expect(states.get('9')).toMatchObject({ status: 'UNKNOWN', alive: false });
  });

  it('maps GSE 2.0 rows by agent id and falls back to cloud:ip for hosts without one', () => {
    const states = gseMap.fromV2Rows(
      [
        { hostId: '1', agentId: '0100a', cloudId: 0, ip: '10.0.0.1' },
        { hostId: '2', agentId: null, cloudId: 2, ip: '10.0.0.2' },
        { hostId: '3', agentId: '0100c', cloudId: 0, ip: '10.0.0.3' },
        { hostId: '4', agentId: '0100d', cloudId: 0, ip: '10.0.0.4' },
      ],
      [
        { bk_agent_id: '0100a', bk_cloud_id: 0, version: '2.1.0', status_code: 2 },
        { bk_agent_id: '2:10.0.0.2', bk_cloud_id: 2, status_code: 4 },
        { bk_agent_id: '0100c', bk_cloud_id: 0, status_code: -2 },
      ],
    );
    expect(states.get('1')).toEqual({
      key: '0100a',
      agentId: '0100a',
      cloudId: 0,
      ip: '10.0.0.1',
      status: 'RUNNING',
      alive: true,
      version: '2.1.0',
    });
    expect(states.get('2')).toMatchObject({ key: '2:10.0.0.2', status: 'NOT_RUNNING', alive: false });
    expect(states.get('3')).toMatchObject({ status: 'NOT_INSTALLED' });
    expect(states.get('4')).toMatchObject({ key: '0100d', status: 'NOT_INSTALLED', alive: false });
  });

  it('reads only status_code 2 as alive', () => {
    expect([2, 0, 1, 3, 4, 5, 6, 7, -1, -2].map(gseMap.statusFromV2)).toEqual([
      'RUNNING',
      'NOT_RUNNING',
      'NOT_RUNNING',
      'NOT_RUNNING',
      'NOT_RUNNING',
      'NOT_RUNNING',
      'NOT_RUNNING',
      'NOT_RUNNING',
      'UNKNOWN',
      'NOT_INSTALLED',
    ]);
  });
});
