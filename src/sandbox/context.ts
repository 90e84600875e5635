import { postForm, postJson } from './callbacks';
import { permissionDenied } from './data/iam';
import { seedData } from './data/seed';
import { canSeeBusiness } from './data/users';
import { randomStream } from './random';
import type { SandboxContext, SandboxData, SandboxOptions, SbRequest } from './types';
import { watchLogFor } from './watch-log';

/** The core's side of the module contract, plus the hooks the core itself needs. */
export interface CoreContext extends SandboxContext {
  /** Re-seeds `data` from the options (same seed → same data) and clears scheduled timers. */
  reseed(): void;
  clearTimers(): void;
}

export function createContext(options: Readonly<SandboxOptions>): CoreContext {
  let data: SandboxData = seedData(options.seed, options.hosts, options.businesses);
  const timers = new Set<NodeJS.Timeout>();
  const ctx: CoreContext = {
    get data() {
      return data;
    },
    options,
    now: () => Date.now(),
    assertBizAccess(req: SbRequest, bizId, action, iamSystem) {
      const user = req.user ?? (req.claimedUsername ? data.users.get(req.claimedUsername) : undefined);
      if (canSeeBusiness(user, bizId)) return;
      const biz = data.businesses.find((b) => b.bk_biz_id === bizId);
      const username = user?.username ?? req.claimedUsername ?? '';
      throw permissionDenied(iamSystem, username, action, { id: bizId, name: biz?.bk_biz_name ?? '' });
    },
    emitWatchEvent(resource, type, detail) {
      watchLogFor(ctx).append(resource, type, detail);
    },
    postJson,
    postForm,
    schedule(fn, ms) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        try {
          fn();
        } catch (err) {
          // A module's timer must never take the sandbox down.
          process.stderr.write(`sandbox: scheduled task failed: ${String(err)}\n`);
        }
      }, ms);
      timers.add(timer);
    },
    random: (stream) => randomStream(options.seed, stream),
    reseed() {
      ctx.clearTimers();
      data = seedData(options.seed, options.hosts, options.businesses);
    },
    clearTimers() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
  return ctx;
}
