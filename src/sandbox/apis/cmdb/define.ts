import type { ApiDef, SandboxContext, SbRequest } from '../../types';
import { bizIdOf } from './params';

/** Every CMDB open API is a POST on the `bk-cmdb` gateway and an ESB `cc` component. */
export function cmdbApi(api: string, path: string, handler: ApiDef['handler']): ApiDef {
  return {
    system: 'cmdb',
    api,
    apigw: { gateway: 'bk-cmdb', method: 'POST', path },
    esb: { system: 'cc', name: api },
    // CMDB's gateway resources set userVerifiedRequired: false, so a bk_username claim is enough.
    userVerifiedRequired: false,
    userRequired: true,
    envelope: 'cmdb',
    handler,
  };
}

export const VIEW_BUSINESS = { id: 'view_business', name: '业务访问' };

/** Reads bk_biz_id and checks the caller may see the business (IAM before any other lookup). */
export function authorizedBizId(ctx: SandboxContext, req: SbRequest): number {
  const bizId = bizIdOf(req);
  ctx.assertBizAccess(req, bizId, VIEW_BUSINESS, 'bk_cmdb');
  return bizId;
}
