import type { Credentials } from '../credentials';
import type { UpstreamConfig } from '../../config';
import type { CallContext } from '../types';

/**
 * The app and user credentials BlueKing expects (CONTRACTS.md §1.2): the app's code and secret plus
 * exactly one user credential. With an access_token (which already stands for app + user) no other
 * user key is sent, so the gateway cannot pick a weaker claim than the one we hold.
 */
export function authParams(config: UpstreamConfig, credentials: Credentials): Record<string, string> {
  const app = { bk_app_code: config.appCode, bk_app_secret: config.appSecret };
  switch (credentials.kind) {
    case 'bk_token':
      return { ...app, bk_token: credentials.bkToken };
    case 'access_token':
      return { ...app, access_token: credentials.accessToken };
    case 'bk_username':
      return { ...app, bk_username: credentials.bkUsername };
  }
}

/**
 * Headers of every upstream request. The authorization header carries secrets: it is built here and
 * nowhere else, and never reaches a log line.
 */
export function requestHeaders(
  config: UpstreamConfig,
  ctx: CallContext,
  hasBody: boolean,
): Record<string, string> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'x-bkapi-authorization': JSON.stringify(authParams(config, ctx.credentials)),
    'x-request-id': ctx.requestId,
  };
  const tenantId = ctx.tenantId ?? config.tenantId;
  if (tenantId) headers['x-bk-tenant-id'] = tenantId;
  if (hasBody) headers['content-type'] = 'application/json';
  return headers;
}
