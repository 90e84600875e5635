import { invalidateCmdbIndex } from './data-index';
import type { ControlRoute, SandboxContext, SbBusiness, SbHost, SbHostRelation } from '../../types';
import { SbRawReply } from '../../types';
import { watchLogFor } from '../../watch-log';

/**
 * `/_sandbox/cmdb/*`: change CMDB data the way an operator would, emitting the watch events
 * CMDB would emit. Bad input is a 400 naming the problem.
 */

const bad = (message: string, status = 400) => new SbRawReply(status, { error: message });

function cmdbTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace('Z', '+08:00');
}

function relationDetail(r: SbHostRelation): Record<string, unknown> {
  return {
    bk_biz_id: r.bk_biz_id,
    bk_host_id: r.bk_host_id,
    bk_module_id: r.bk_module_id,
    bk_set_id: r.bk_set_id,
    bk_supplier_account: '0',
  };
}

function positiveInt(raw: string): number | null {
  return /^[1-9]\d*$/.test(raw) ? Number(raw) : null;
}

/** Applies `fields` to `target`, allowing only existing, non-id keys of the same JSON type. */
function applyUpdate(
  target: Record<string, unknown>,
  fields: Record<string, unknown>,
  idField: string,
): string | null {
  const keys = Object.keys(fields);
  if (keys.length === 0) return 'body must name at least one field to update';
  for (const k of keys) {
    if (k === idField || k === 'create_time' || k === 'last_time') return `${k} cannot be changed`;
    if (!(k in target)) return `unknown field ${k}`;
    const before = target[k];
    const after = fields[k];
    const sameType = typeof before === typeof after || before === null || after === null;
    if (!sameType || (after !== null && typeof after === 'object')) return `${k} must be a ${typeof before}`;
  }
  Object.assign(target, fields);
  return null;
}

export function cmdbControlRoutes(ctx: SandboxContext): ControlRoute[] {
  return [
    {
      method: 'POST',
      path: '/cmdb/hosts/{bk_host_id}/transfer',
      handler(params, body) {
        const hostId = positiveInt(params.bk_host_id ?? '');
        const host = ctx.data.hosts.find((h) => h.bk_host_id === hostId);
        if (!host) return bad(`no host ${params.bk_host_id}`, 404);
        const ids = body.bk_module_ids;
        if (
          !Array.isArray(ids) ||
          ids.length === 0 ||
          ids.some((v) => typeof v !== 'number' || !Number.isInteger(v))
        ) {
          return bad('bk_module_ids must be a non-empty array of module ids');
        }
        const modules = ids.map((id) => ctx.data.modules.find((m) => m.bk_module_id === id));
        const missing = ids.filter((_, i) => !modules[i]);
        if (missing.length > 0) return bad(`unknown modules: ${missing.join(', ')}`);
        const bizIds = new Set(modules.map((m) => m!.bk_biz_id));
        if (bizIds.size > 1) return bad('bk_module_ids must all belong to one business');
        const targetBiz = [...bizIds][0]!;
        if (body.bk_biz_id !== undefined && body.bk_biz_id !== targetBiz) {
          return bad(`bk_module_ids belong to business ${targetBiz}, not ${String(body.bk_biz_id)}`);
        }
        const data = ctx.data;
        const old = data.relations.filter((r) => r.bk_host_id === host.bk_host_id);
        const fresh: SbHostRelation[] = modules.map((m) => ({
          bk_host_id: host.bk_host_id,
          bk_biz_id: m!.bk_biz_id,
          bk_set_id: m!.bk_set_id,
          bk_module_id: m!.bk_module_id,
        }));
        // Mutate in place: `ctx.data` is shared by every module and must stay the same object.
        const kept = data.relations.filter((r) => r.bk_host_id !== host.bk_host_id);
        data.relations.splice(0, data.relations.length, ...kept, ...fresh);
        data.relations.sort((a, b) => a.bk_host_id - b.bk_host_id || a.bk_module_id - b.bk_module_id);
        invalidateCmdbIndex(data);
        for (const r of old) ctx.emitWatchEvent('host_relation', 'delete', relationDetail(r));
        for (const r of fresh) ctx.emitWatchEvent('host_relation', 'create', relationDetail(r));
        return new SbRawReply(200, { bk_host_id: host.bk_host_id, relations: fresh.map(relationDetail) });
      },
    },
    {
      method: 'POST',
      path: '/cmdb/hosts/{bk_host_id}',
      handler(params, body) {
        const hostId = positiveInt(params.bk_host_id ?? '');
        const host = ctx.data.hosts.find((h) => h.bk_host_id === hostId);
        if (!host) return bad(`no host ${params.bk_host_id}`, 404);
        const problem = applyUpdate(host as unknown as Record<string, unknown>, body, 'bk_host_id');
        if (problem) return bad(problem);
        host.last_time = cmdbTime(ctx.now());
        ctx.emitWatchEvent('host', 'update', { ...host } satisfies SbHost);
        return new SbRawReply(200, host);
      },
    },
    {
      method: 'POST',
      path: '/cmdb/businesses/{bk_biz_id}',
      handler(params, body) {
        const bizId = positiveInt(params.bk_biz_id ?? '');
        const biz = ctx.data.businesses.find((b) => b.bk_biz_id === bizId);
        if (!biz) return bad(`no business ${params.bk_biz_id}`, 404);
        const problem = applyUpdate(biz as unknown as Record<string, unknown>, body, 'bk_biz_id');
        if (problem) return bad(problem);
        biz.last_time = cmdbTime(ctx.now());
        ctx.emitWatchEvent('biz', 'update', { ...biz } satisfies SbBusiness);
        return new SbRawReply(200, biz);
      },
    },
    {
      method: 'POST',
      path: '/cmdb/watch/expire',
      handler() {
        // Drops the event chain: every cursor handed out so far now answers 1103007.
        watchLogFor(ctx).expire();
        return new SbRawReply(200, { expired: true });
      },
    },
  ];
}
