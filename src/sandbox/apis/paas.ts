import type { SbApp } from '../data/apps';
import { seedApps } from '../data/apps';
import type { ApiDef, ApiModuleFactory, SbRequest } from '../types';
import { SbRawReply } from '../types';

/**
 * PaaS app info (CONTRACTS.md §8.3).
 *
 * ESB `bk_paas/get_app_info`: `target_app_code` and `fields` are ";"-separated; empty target = all
 * apps; unknown codes are left out. Its envelope says `message: ""` (not ITSM's "success"), so the
 * handler answers a raw ESB body itself, request_id included.
 * APIGW `bkpaas3` `GET /system/uni_applications/query/by_id/?id=a,b`: a bare array in id order with
 * `null` for unknown (or, without `include_inactive_apps=true`, inactive) apps.
 */

const APP_FIELDS = ['bk_app_code', 'bk_app_name', 'introduction', 'creator', 'developer'] as const;
const REGION = 'default';
const LOGO = 'http://paas.sandbox.invalid/static/images/blueking_app_default.png';

function param(req: SbRequest, name: string): string {
  const v = req.body[name] ?? req.query[name];
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function splitList(value: string, sep: string): string[] {
  return value
    .split(sep)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function esbFields(a: SbApp): Record<(typeof APP_FIELDS)[number], string> {
  return {
    bk_app_code: a.code,
    bk_app_name: a.name,
    introduction: a.introduction,
    creator: a.creator,
    developer: a.developers.join(';'),
  };
}

function getAppInfo(apps: readonly SbApp[], req: SbRequest): SbRawReply {
  const targets = splitList(param(req, 'target_app_code'), ';');
  const asked = splitList(param(req, 'fields'), ';');
  const fields = (asked.length > 0 ? asked : ['bk_app_code', 'bk_app_name']).filter((f) =>
    (APP_FIELDS as readonly string[]).includes(f),
  ) as (typeof APP_FIELDS)[number][];
  const chosen = targets.length === 0 ? apps : apps.filter((a) => targets.includes(a.code));
  const data = chosen.map((a) => {
    const all = esbFields(a);
    return Object.fromEntries(fields.map((f) => [f, all[f]]));
  });
  return new SbRawReply(200, { result: true, code: 0, message: '', data, request_id: req.requestId });
}

function uniApp(a: SbApp, withDevelopers: boolean): Record<string, unknown> {
  return {
    source: a.source,
    name: a.name,
    code: a.code,
    region: REGION,
    logo_url: LOGO,
    developers: withDevelopers ? [...a.developers] : [],
    creator: a.creator,
    created: a.created,
    contact_info: { latest_operator: a.latestOperator, recent_deployment_operators: [a.latestOperator] },
  };
}

function truthy(v: string): boolean {
  return v === 'true' || v === '1' || v === 'True';
}

function queryById(apps: readonly SbApp[], req: SbRequest): unknown {
  const ids = splitList(param(req, 'id'), ',');
  if (ids.length === 0)
    return new SbRawReply(400, { code: 'VALIDATION_ERROR', detail: 'id: 该字段是必填项。' });
  const includeInactive = truthy(param(req, 'include_inactive_apps'));
  // The doc's example lists developers without asking; only an explicit "false" leaves them out.
  const devParam = param(req, 'include_developers_info');
  const withDevelopers = devParam === '' || truthy(devParam);
  return ids.map((id) => {
    const a = apps.find((x) => x.code === id);
    if (!a || (!a.isActive && !includeInactive)) return null;
    return uniApp(a, withDevelopers);
  });
}

export const createPaasApis: ApiModuleFactory = (ctx) => {
  let apps = seedApps(ctx.options.appCode);
  const common = { system: 'paas', userVerifiedRequired: false, userRequired: false } as const;
  const apis: ApiDef[] = [
    {
      ...common,
      api: 'get_app_info',
      envelope: 'itsm',
      apigw: null,
      esb: { system: 'bk_paas', name: 'get_app_info' },
      handler: (req) => getAppInfo(apps, req),
    },
    {
      ...common,
      api: 'uni_apps_query_by_id',
      envelope: 'bare',
      apigw: { gateway: 'bkpaas3', method: 'GET', path: '/system/uni_applications/query/by_id/' },
      esb: null,
      handler: (req) => queryById(apps, req),
    },
  ];
  return {
    apis,
    reset: () => {
      apps = seedApps(ctx.options.appCode);
    },
  };
};
