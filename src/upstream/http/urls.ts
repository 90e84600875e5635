import type { UpstreamConfig } from '../../config';
import type { Transport } from '../limits';
import type { ApiSpec, CallContext, HttpMethod, UpstreamRequest } from '../types';
import { authParams, requestHeaders } from './auth-header';

/** Everything needed to put one call on the wire; holds secrets, so it is never logged. */
export interface WireRequest {
  readonly transport: Transport;
  readonly method: HttpMethod;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

type QueryValue = string | number | boolean | undefined;

/**
 * Builds the URL, verb, headers and body of `spec` for the system's configured transport.
 * Throws a plain Error (a bk-graph bug, not an upstream failure) before any I/O when the spec and
 * the request disagree: a missing path parameter, a body on a GET, an unconfigured transport.
 */
export function buildWireRequest(
  config: UpstreamConfig,
  spec: ApiSpec,
  req: UpstreamRequest,
  ctx: CallContext,
): WireRequest {
  const transport = spec.onlyOn ?? config.transports[spec.system];
  const method = transport === 'apigw' ? spec.apigw.method : spec.esb.method;
  if (method === 'GET' && req.body !== undefined)
    throw new Error(`${spec.system}.${spec.api} is a GET on ${transport}: pass query, not body`);
  return transport === 'apigw'
    ? apigwRequest(config, spec, req, ctx, method)
    : esbRequest(config, spec, req, ctx, method);
}

function apigwRequest(
  config: UpstreamConfig,
  spec: ApiSpec,
  req: UpstreamRequest,
  ctx: CallContext,
  method: HttpMethod,
): WireRequest {
  if (!config.apiUrlTmpl)
    throw new Error(`${spec.system} uses the apigw transport but BK_API_URL_TMPL is not set`);
  const root = config.apiUrlTmpl
    .replace(/\{(api_name|gateway_name)\}/g, spec.apigw.gateway)
    .replace(/\/+$/, '');
  const path = fillPath(spec, spec.apigw.path, req.path ?? {});
  const url = `${root}/${encodeURIComponent(config.stage)}${path}${queryString(req.query ?? {})}`;
  // APIGW authenticates from the header only: no secret ever goes in the body or query here.
  const body = method === 'POST' ? JSON.stringify(req.body ?? {}) : undefined;
  const headers = requestHeaders(config, ctx, body !== undefined);
  if (spec.operatorHeader && ctx.credentials.kind === 'bk_username')
    headers['x-bk-username'] = ctx.credentials.bkUsername;
  return {
    transport: 'apigw',
    method,
    url,
    headers,
    ...(body !== undefined ? { body } : {}),
  };
}

function esbRequest(
  config: UpstreamConfig,
  spec: ApiSpec,
  req: UpstreamRequest,
  ctx: CallContext,
  method: HttpMethod,
): WireRequest {
  if (!config.componentApiUrl)
    throw new Error(`${spec.system} uses the esb transport but BK_COMPONENT_API_URL is not set`);
  const root = config.componentApiUrl.replace(/\/+$/, '');
  // Component names may have segments (ITSM `token/verify`): encode each, keep the slashes.
  const name = spec.esb.name.split('/').map(encodeURIComponent).join('/');
  const url = `${root}/api/c/compapi/v2/${encodeURIComponent(spec.esb.system)}/${name}/`;
  // Legacy ESB reads the common args (app code/secret, user) from the body or query, not the header;
  // the header is sent as well because the newer ESB reads it.
  const common = authParams(config, ctx.credentials);
  const pathParams = req.path ?? {};
  if (method === 'GET') {
    return {
      transport: 'esb',
      method,
      url: url + queryString({ ...req.query, ...pathParams, ...common }),
      headers: requestHeaders(config, ctx, false),
    };
  }
  return {
    transport: 'esb',
    method,
    url: url + queryString(req.query ?? {}),
    headers: requestHeaders(config, ctx, true),
    body: JSON.stringify({ ...req.body, ...pathParams, ...common }),
  };
}

function fillPath(
  spec: ApiSpec,
  template: string,
  params: Readonly<Record<string, string | number>>,
): string {
  const path = template.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined || value === '')
      throw new Error(`${spec.system}.${spec.api}: path parameter '${name}' is missing`);
    return encodeURIComponent(String(value));
  });
  return path.startsWith('/') ? path : `/${path}`;
}

function queryString(query: Readonly<Record<string, QueryValue>>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
