import { fromEsbApps, fromUniApps } from '../../src/upstream/paas';
import { fixtureBare, fixtureData } from './fixtures';

describe('PaaS mapping of real BlueKing payloads', () => {
  it('maps bkpaas3 uni_apps_query_by_id in the order asked, null for unknown codes', () => {
    expect(
      fromUniApps(
        ['nobody', 'batman'],
        [null, ...fixtureBare<never[]>('bkpaas3.uni_apps_query_by_id.apigw')],
      ),
    ).toEqual([null, { code: 'batman', name: '蝙蝠侠', developers: ['username'] }]);
  });

  it('maps ESB get_app_info in the order asked, null for unknown codes', () => {
    expect(fromEsbApps(['esb_test', 'gone', 'bk_test'], fixtureData('bk_paas.get_app_info.esb'))).toEqual([
      { code: 'esb_test', name: 'ESBTest', developers: [] },
      null,
      { code: 'bk_test', name: 'BKTest', developers: [] },
    ]);
    expect(fromEsbApps(['a'], [{ bk_app_code: 'a', developer: 'x;y' }])[0]?.developers).toEqual(['x', 'y']);
  });
});
