import type { Transport } from '../limits';
import type { AppInfo } from '../domain';
import { splitList, textOrNull } from '../mapping';
import type { CallContext, UpstreamCaller } from '../types';
import { paasSpecs } from './specs';

interface WireUniApp {
  code: string;
  name?: string | null;
  developers?: string[] | null;
}

interface WireEsbApp {
  bk_app_code: string;
  bk_app_name?: string | null;
  /** Not in the doc's example; legacy PaaS joins developers with ';' (or ','). */
  developer?: string | string[] | null;
}

export interface PaasClient {
  /** One entry per code, in order; null for an app PaaS does not know. */
  appInfo(codes: string[], ctx: CallContext): Promise<(AppInfo | null)[]>;
}

export function fromUniApps(codes: string[], rows: (WireUniApp | null)[]): (AppInfo | null)[] {
  // bkpaas3 answers in the order asked, with null for unknown ids; matching by code guards both.
  const byCode = new Map(rows.filter((r): r is WireUniApp => r !== null).map((r) => [r.code, r]));
  return codes.map((code) => {
    const r = byCode.get(code);
    return r ? { code: r.code, name: textOrNull(r.name), developers: splitList(r.developers ?? []) } : null;
  });
}

export function fromEsbApps(codes: string[], rows: WireEsbApp[]): (AppInfo | null)[] {
  const byCode = new Map(rows.map((r) => [r.bk_app_code, r]));
  return codes.map((code) => {
    const r = byCode.get(code);
    return r
      ? { code: r.bk_app_code, name: textOrNull(r.bk_app_name), developers: splitList(r.developer) }
      : null;
  });
}

export function createPaasClient(caller: UpstreamCaller, options: { transport: Transport }): PaasClient {
  return {
    async appInfo(codes, ctx) {
      if (!codes.length) return [];
      if (options.transport === 'esb') {
        // An empty target_app_code means "all apps" to ESB, hence the early return above.
        const data = await caller.call<WireEsbApp[] | null>(
          paasSpecs.getAppInfo,
          { query: { target_app_code: codes.join(';'), fields: 'bk_app_code;bk_app_name;developer' } },
          ctx,
        );
        return fromEsbApps(codes, data ?? []);
      }
      const data = await caller.call<(WireUniApp | null)[] | null>(
        paasSpecs.uniAppsQueryById,
        { query: { id: codes.join(','), include_developers_info: true } },
        ctx,
      );
      return fromUniApps(codes, data ?? []);
    },
  };
}
