import { UpstreamError } from '../../src/errors';
import { fromApigwUser, fromEsbUser, isInvalidTokenError } from '../../src/upstream/login';
import { fixtureData } from './fixtures';

describe('bk-login mapping of real BlueKing payloads', () => {
  it('maps the APIGW userinfo answer', () => {
    expect(fromApigwUser(fixtureData('bk_login.get_bk_token_userinfo.apigw'))).toEqual({
      username: 'nteuuhzxlh0jcanw',
      displayName: 'admin',
      tenantId: 'system',
      language: 'zh-cn',
      timeZone: 'Asia/Shanghai',
    });
  });

  it('maps the ESB get_user answer, with chname as the display name', () => {
    expect(fromEsbUser(fixtureData('bk_login.get_user.esb'), 'default')).toEqual({
      username: 'admin',
      displayName: 'admin',
      tenantId: 'default',
      language: 'zh-cn',
      timeZone: 'Asia/Shanghai',
    });
  });

  it('treats only bk-login invalid-token answers as "not logged in"', () => {
    const err = (code: number | string) =>
      new UpstreamError('auth', 'x', { system: 'login', api: 'a', code });
    expect(isInvalidTokenError(err('VALIDATION_ERROR'))).toBe(true);
    expect(isInvalidTokenError(err(1302100))).toBe(true);
    expect(isInvalidTokenError(err(1640001))).toBe(false);
    expect(isInvalidTokenError(new Error('VALIDATION_ERROR'))).toBe(false);
  });
});
