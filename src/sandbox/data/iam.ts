import { SbBizError } from '../types';

/** IAM denials (CONTRACTS.md §2.1): code 9900403 with the `permission` object, never a `data` key. */
export const IAM_NO_PERMISSION = 9900403;

const SYSTEM_NAMES = { bk_cmdb: '配置平台', bk_job: '作业平台' } as const;

export function permissionObject(
  iamSystem: 'bk_cmdb' | 'bk_job',
  action: { id: string; name: string },
  biz: { id: number; name: string },
): Record<string, unknown> {
  const systemName = SYSTEM_NAMES[iamSystem];
  return {
    system_id: iamSystem,
    system_name: systemName,
    actions: [
      {
        id: action.id,
        name: action.name,
        related_resource_types: [
          {
            system_id: iamSystem,
            system_name: systemName,
            type: 'biz',
            type_name: '业务',
            instances: [[{ type: 'biz', type_name: '业务', id: String(biz.id), name: biz.name }]],
          },
        ],
      },
    ],
  };
}

export function permissionDenied(
  iamSystem: 'bk_cmdb' | 'bk_job',
  username: string,
  action: { id: string; name: string },
  biz: { id: number; name: string },
): SbBizError {
  // CMDB answers with the i18n text of 1199047; JOB with its own IAM message.
  const message =
    iamSystem === 'bk_cmdb'
      ? 'Do not have access permission.'
      : `User (${username}) permission not allowed, please confirm and apply permission in IAM and try again`;
  return new SbBizError(IAM_NO_PERMISSION, message, { permission: permissionObject(iamSystem, action, biz) });
}
