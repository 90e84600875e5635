import type { ApiDef, SandboxContext, WatchResource } from '../../types';
import { SbBizError } from '../../types';
import { NO_EVENT_CURSOR, watchLogFor } from '../../watch-log';
import type { WatchEvent } from '../../watch-log';
import { eventChainNodeNotExist, paramInvalid } from './errors';
import { cmdbApi } from './define';
import { project } from './params';

/** resource_watch (CONTRACTS.md §3.9): cursor / start_from / now, long poll, ≤200 events. */

const EVENT_STEP = 200;
const EMITTED: ReadonlySet<string> = new Set<WatchResource>([
  'host',
  'host_relation',
  'biz',
  'set',
  'module',
]);
/** Documented resources the sandbox never changes: valid to watch, they just stay quiet. */
const QUIET = new Set([
  'process',
  'object_instance',
  'mainline_instance',
  'biz_set',
  'biz_set_relation',
  'plat',
  'project',
]);
const NEEDS_FIELDS = new Set(['host', 'biz', 'set', 'module']);
const SUB_RESOURCE_OK = new Set(['object_instance', 'mainline_instance']);
const EVENT_TYPES = new Set(['create', 'update', 'delete']);

const watchError = (message: string) => new SbBizError(1199006, message);

export function resourceWatch(ctx: SandboxContext): ApiDef {
  return cmdbApi('resource_watch', '/api/v3/event/watch/resource/{bk_resource}', async (req) => {
    const b = req.body;
    const resource = req.pathParams.bk_resource ?? b.bk_resource;
    if (typeof resource !== 'string' || !(EMITTED.has(resource) || QUIET.has(resource)))
      throw paramInvalid('bk_resource');
    const types = b.bk_event_types ?? [];
    if (!Array.isArray(types) || types.some((t) => typeof t !== 'string' || !EVENT_TYPES.has(t))) {
      throw paramInvalid('bk_event_types');
    }
    const fields = b.bk_fields ?? [];
    if (!Array.isArray(fields) || fields.some((f) => typeof f !== 'string')) throw paramInvalid('bk_fields');
    if (NEEDS_FIELDS.has(resource) && fields.length === 0)
      throw watchError(`${resource} event must have fields`);
    const filter = b.bk_filter as Record<string, unknown> | undefined;
    if (
      filter &&
      typeof filter === 'object' &&
      filter.bk_sub_resource !== undefined &&
      !SUB_RESOURCE_OK.has(resource)
    ) {
      throw watchError(`${resource} event cannot have sub resource`);
    }
    const hasStart = b.bk_start_from !== undefined && b.bk_start_from !== null && b.bk_start_from !== 0;
    const hasCursor = typeof b.bk_cursor === 'string' && b.bk_cursor !== '';
    if (hasStart && hasCursor) throw watchError('bk_start_from and bk_cursor can not use at the same time');
    if (b.bk_cursor !== undefined && b.bk_cursor !== null && typeof b.bk_cursor !== 'string')
      throw paramInvalid('bk_cursor');
    if (hasStart && (typeof b.bk_start_from !== 'number' || !Number.isInteger(b.bk_start_from))) {
      throw paramInvalid('bk_start_from');
    }

    const log = watchLogFor(ctx);
    let after: number;
    const cursor = hasCursor ? (b.bk_cursor as string) : null;
    if (cursor && cursor !== NO_EVENT_CURSOR) {
      const seq = log.seqOf(cursor);
      if (seq === null) throw eventChainNodeNotExist();
      after = seq;
    } else if (hasStart) {
      after = log.seqBefore((b.bk_start_from as number) * 1000);
    } else {
      after = log.head();
    }

    const matches = (e: WatchEvent) =>
      e.resource === resource && (types.length === 0 || types.includes(e.type));
    const deadline = ctx.now() + ctx.options.watchTimeoutMs;
    for (;;) {
      const found = log.after(after).filter(matches).slice(0, EVENT_STEP);
      if (found.length > 0) {
        return {
          bk_watched: true,
          bk_events: found.map((e) => ({
            bk_cursor: e.cursor,
            bk_resource: e.resource,
            bk_event_type: e.type,
            bk_detail: NEEDS_FIELDS.has(resource) ? project(e.detail, fields as string[]) : e.detail,
          })),
        };
      }
      const remaining = deadline - ctx.now();
      if (remaining <= 0 || !(await log.wait(remaining).promise)) break;
    }
    return {
      bk_watched: false,
      bk_events: [
        { bk_cursor: cursor ?? NO_EVENT_CURSOR, bk_resource: resource, bk_event_type: '', bk_detail: null },
      ],
    };
  });
}
