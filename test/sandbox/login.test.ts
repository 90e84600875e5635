import type { TestSandbox } from '../helpers/sandbox';
import { bkFetch, startTestSandbox } from '../helpers/sandbox';

let sb: TestSandbox;

const ESB = '/api/c/compapi/v2/bk_login';
const APIGW = '/api/bk-login/prod/login/api/v3/open/bk-tokens';
/** bk-login's open APIs are app-verified only: the token to check is a parameter. */
const appOnly = { auth: {} };

beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb.close();
});

describe('bk_login ESB get_user', () => {
  it('answers the user of the bk_token with message OK', async () => {
    const res = await bkFetch(sb.url, `${ESB}/get_user/`, { auth: { bkToken: 'token-alice' } });
    expect(res.json).toEqual({
      result: true,
      code: 0,
      message: 'OK',
      data: {
        bk_username: 'alice',
        qq: '',
        bk_role: 0,
        language: 'en',
        phone: '',
        wx_userid: '',
        email: '',
        chname: 'Alice',
        time_zone: 'Asia/Shanghai',
      },
      request_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  });

  it('looks a user up by bk_username', async () => {
    const res = await bkFetch(sb.url, `${ESB}/get_user/`, {
      method: 'POST',
      body: {},
      auth: { username: 'bob' },
    });
    expect(res.json.data.bk_username).toBe('bob');
  });

  it('answers 1302100 for an invalid bk_token', async () => {
    const res = await bkFetch(sb.url, `${ESB}/get_user/`, { auth: { bkToken: 'token-nobody' } });
    expect(res.json).toMatchObject({ result: false, code: 1302100, data: null });
  });
});

describe('bk_login ESB is_login', () => {
  it('answers the username of a valid bk_token', async () => {
    const res = await bkFetch(sb.url, `${ESB}/is_login/`, { auth: { bkToken: 'token-admin' } });
    expect(res.json).toMatchObject({ result: true, code: 0, message: 'OK', data: { bk_username: 'admin' } });
  });

  it('answers 1302100 for an expired bk_token and when none is given', async () => {
    const bad = await bkFetch(sb.url, `${ESB}/is_login/`, { auth: { bkToken: 'expired' } });
    expect(bad.json).toMatchObject({ result: false, code: 1302100 });
    const none = await bkFetch(sb.url, `${ESB}/is_login/`, appOnly);
    expect(none.json).toMatchObject({ result: false, code: 1302100 });
  });
});

describe('bk-login APIGW bk-tokens', () => {
  it('verify answers the bare {data} with username and tenant', async () => {
    const res = await bkFetch(sb.url, `${APIGW}/verify/`, { ...appOnly, query: { bk_token: 'token-bob' } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ data: { bk_username: 'bob', tenant_id: expect.any(String) } });
    expect(res.headers.get('x-bkapi-request-id')).toBeTruthy();
  });

  it('userinfo answers the documented fields', async () => {
    const res = await bkFetch(sb.url, `${APIGW}/userinfo/`, {
      ...appOnly,
      query: { bk_token: 'token-admin' },
    });
    expect(res.json).toEqual({
      data: {
        bk_username: 'admin',
        tenant_id: expect.any(String),
        login_name: 'admin',
        display_name: 'Administrator',
        language: 'zh-cn',
        time_zone: 'Asia/Shanghai',
      },
    });
  });

  it.each(['verify', 'userinfo'])(
    '%s answers 400 VALIDATION_ERROR 登录态已过期 for an unknown token',
    async (api) => {
      const res = await bkFetch(sb.url, `${APIGW}/${api}/`, {
        ...appOnly,
        query: { bk_token: 'token-gone' },
      });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: { code: 'VALIDATION_ERROR', message: '登录态已过期' } });
    },
  );

  it('answers 400 VALIDATION_ERROR when bk_token is missing', async () => {
    const res = await bkFetch(sb.url, `${APIGW}/verify/`, appOnly);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe('VALIDATION_ERROR');
  });

  it('still needs the app: a wrong secret is the gateway 400 1640001', async () => {
    const res = await bkFetch(sb.url, `${APIGW}/verify/`, {
      auth: { appSecret: 'wrong' },
      query: { bk_token: 'token-bob' },
    });
    expect(res.status).toBe(400);
    expect(res.json.code).toBe(1640001);
  });
});
