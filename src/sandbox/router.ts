import type { ApiDef, ControlRoute } from './types';

/**
 * Maps URLs to API definitions. APIGW verbs are strict (a wrong verb is the gateway's 404); ESB
 * accepts GET and POST for every component. Trailing slashes are ignored on both transports.
 */
export interface ApiMatch {
  def: ApiDef;
  pathParams: Record<string, string>;
}

interface Compiled {
  regex: RegExp;
  names: string[];
}

function trimSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, '') : p;
}

export function compileTemplate(template: string): Compiled {
  const names: string[] = [];
  const source = trimSlash(template)
    .split(/(\{[a-zA-Z_][a-zA-Z0-9_]*\})/)
    .map((part) => {
      const m = /^\{(.+)\}$/.exec(part);
      if (m?.[1]) {
        names.push(m[1]);
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return { regex: new RegExp(`^${source}$`), names };
}

/** `path` has its trailing slashes trimmed already (once per lookup, not once per route tried). */
function matchCompiled(c: Compiled, path: string): Record<string, string> | null {
  const m = c.regex.exec(path);
  if (!m) return null;
  const params: Record<string, string> = {};
  c.names.forEach((name, i) => {
    const raw = m[i + 1] ?? '';
    try {
      params[name] = decodeURIComponent(raw);
    } catch {
      params[name] = raw;
    }
  });
  return params;
}

/** The names of an API's APIGW path parameters (ESB takes the same names from body or query). */
export function pathParamNames(def: ApiDef): string[] {
  return def.apigw ? compileTemplate(def.apigw.path).names : [];
}

export class ApiRouter {
  private readonly apigw: Array<{ def: ApiDef; gateway: string; method: string; compiled: Compiled }> = [];
  private readonly esb = new Map<string, ApiDef>();

  constructor(defs: readonly ApiDef[]) {
    for (const def of defs) {
      if (def.apigw) {
        this.apigw.push({
          def,
          gateway: def.apigw.gateway,
          method: def.apigw.method,
          compiled: compileTemplate(def.apigw.path),
        });
      }
      if (def.esb) this.esb.set(`${def.esb.system}/${trimSlash(def.esb.name)}`, def);
    }
  }

  /** `rest` is the resource path after `/api/{gateway}/{stage}`. */
  matchApigw(gateway: string, method: string, rest: string): ApiMatch | null {
    const path = trimSlash(rest);
    for (const r of this.apigw) {
      if (r.gateway !== gateway || r.method !== method) continue;
      const params = matchCompiled(r.compiled, path);
      if (params) return { def: r.def, pathParams: params };
    }
    return null;
  }

  matchEsb(system: string, name: string): ApiDef | null {
    return this.esb.get(`${system}/${trimSlash(name)}`) ?? null;
  }
}

export class ControlRouter {
  private readonly routes: Array<{ route: ControlRoute; compiled: Compiled }> = [];

  constructor(routes: readonly ControlRoute[]) {
    for (const route of routes) this.routes.push({ route, compiled: compileTemplate(route.path) });
  }

  /** `path` is the part after `/_sandbox`. */
  match(method: string, path: string): { route: ControlRoute; params: Record<string, string> } | null {
    const trimmed = trimSlash(path);
    for (const r of this.routes) {
      if (r.route.method !== method) continue;
      const params = matchCompiled(r.compiled, trimmed);
      if (params) return { route: r.route, params };
    }
    return null;
  }
}
