import { invalidationsFor } from '../src/watch/invalidation';
import type { WatchEvent } from '../src/upstream/domain';

const event = (detail: Record<string, unknown> | null): WatchEvent => ({
  cursor: 'c',
  resource: 'x',
  type: 'update',
  detail,
});

describe('what a batch of CMDB events invalidates', () => {
  it('evicts hosts, relations and topology of each business named by host_relation events, once each', () => {
    const got = invalidationsFor('host_relation', [
      event({ bk_biz_id: 2, bk_host_id: 1 }),
      event({ bk_biz_id: 3, bk_host_id: 1 }),
      event({ bk_biz_id: 2, bk_host_id: 5 }),
    ]);
    expect(got).toEqual([
      { kinds: ['hosts', 'relations', 'topology'], bizId: '2' },
      { kinds: ['hosts', 'relations', 'topology'], bizId: '3' },
    ]);
  });

  it('evicts topology, sets, modules and host pages (they carry names) of the business of a module event', () => {
    expect(invalidationsFor('module', [event({ bk_module_id: 9, bk_biz_id: '4' })])).toEqual([
      { kinds: ['topology', 'sets', 'modules', 'hosts'], bizId: '4' },
    ]);
  });

  it('evicts the whole kind when an event names no business', () => {
    expect(invalidationsFor('set', [event({ bk_biz_id: 2 }), event(null)])).toEqual([
      { kinds: ['topology', 'sets', 'modules', 'hosts'] },
    ]);
    expect(invalidationsFor('host', [event({ bk_host_id: 1 })])).toEqual([{ kinds: ['hosts'] }]);
    expect(invalidationsFor('biz', [event({ bk_biz_id: 2 })])).toEqual([{ kinds: ['business'] }]);
  });

  it('invalidates nothing for an empty batch', () => {
    expect(invalidationsFor('host', [])).toEqual([]);
  });
});
