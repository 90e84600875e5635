/**
 * The PaaS apps the sandbox knows (bk_paas get_app_info, bkpaas3 uni_applications). Fixed rather
 * than random: they are platform apps with well-known codes, plus the app bk-graph runs as.
 */

export interface SbApp {
  code: string;
  name: string;
  introduction: string;
  creator: string;
  developers: string[];
  /** "YYYY-MM-DD HH:MM:SS", as PaaS prints it. */
  created: string;
  /** 1 PaaS v3 app, 2 legacy (PaaS 2) app. */
  source: 1 | 2;
  isActive: boolean;
  latestOperator: string;
}

const PLATFORM_APPS: readonly SbApp[] = [
  app(
    'bk_cmdb',
    '配置平台',
    'CMDB: businesses, topology and hosts',
    2,
    ['admin', 'ops-li'],
    '2019-08-13 19:15:38',
  ),
  app(
    'bk_job',
    '作业平台',
    'Script execution and file distribution',
    2,
    ['admin', 'ops-wang'],
    '2019-08-13 19:16:02',
  ),
  app(
    'bk_itsm',
    '流程服务',
    'IT service management and approvals',
    2,
    ['admin', 'ops-zhang'],
    '2019-08-13 19:17:45',
  ),
  app('bk_login', '统一登录', 'Single sign-on', 2, ['admin'], '2019-08-13 19:10:11'),
  app('bk_nodeman', '节点管理', 'GSE agent installation', 1, ['admin', 'ops-li'], '2021-03-02 10:20:30'),
  app('bk_monitorv3', '监控平台', 'Monitoring and alerting', 1, ['admin', 'ops-wang'], '2021-05-17 15:01:09'),
  {
    ...app('legacy-report', '旧版报表', 'Retired reporting app', 2, ['ops-zhang'], '2018-01-05 09:00:00'),
    isActive: false,
  },
];

function app(
  code: string,
  name: string,
  introduction: string,
  source: 1 | 2,
  developers: string[],
  created: string,
): SbApp {
  const creator = developers[0] ?? 'admin';
  return {
    code,
    name,
    introduction,
    creator,
    developers,
    created,
    source,
    isActive: true,
    latestOperator: creator,
  };
}

/** The platform apps and, first, the app the sandbox trusts (bk-graph unless configured otherwise). */
export function seedApps(appCode: string): SbApp[] {
  const self: SbApp = {
    ...app(
      appCode,
      'BK Graph',
      'One GraphQL API over BlueKing',
      1,
      ['admin', 'alice'],
      '2026-01-05 10:00:00',
    ),
  };
  return [self, ...PLATFORM_APPS.filter((a) => a.code !== appCode)];
}
