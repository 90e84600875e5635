import type { SbScript, SbScriptVersion } from '../../data/job-scripts';
import { onlineVersion } from '../../data/job-scripts';
import type { SandboxContext, SbRequest } from '../../types';
import type { Scope } from './params';
import {
  field,
  invalid,
  JobAction,
  missingOrInvalid,
  optionalInt,
  optionalString,
  parsePage,
  parseScope,
} from './params';
import type { JobState } from './state';

/**
 * get_script_list (CONTRACTS.md §4.8) and the stored-script half of fast_execute_script (§4.2).
 * The list is ordered newest change first; the doc names no order, so do not rely on it.
 */

export function getScriptList(ctx: SandboxContext, state: JobState, req: SbRequest): unknown {
  const scope = parseScope(ctx, req);
  ctx.assertBizAccess(req, scope.bizId, JobAction.viewScript, 'bk_job');
  const { start, length } = parsePage(req);
  const name = optionalString(req, 'name')?.toLowerCase();
  const language = optionalInt(req, 'script_language') ?? 0;
  if (language < 0 || language > 6) throw missingOrInvalid('script_language');

  const matching = state
    .scripts()
    .filter(
      (s) =>
        s.bizId === scope.bizId &&
        (name === undefined || s.name.toLowerCase().includes(name)) &&
        (language === 0 || s.language === language),
    )
    .sort((a, b) => b.last_modify_time - a.last_modify_time || a.id.localeCompare(b.id));
  return {
    data: matching.slice(start, start + length).map((s) => ({
      id: s.id,
      bk_scope_type: scope.scopeType,
      bk_scope_id: scope.scopeId,
      name: s.name,
      script_language: s.language,
      online_script_version_id: onlineVersion(s)?.id ?? null,
      creator: s.creator,
      create_time: s.create_time,
      last_modify_user: s.last_modify_user,
      last_modify_time: s.last_modify_time,
    })),
    start,
    length,
    total: matching.length,
  };
}

export interface StoredScript {
  script: SbScript;
  version: SbScriptVersion;
}

/**
 * The stored script a fast_execute_script call names, by JOB's priority: `script_version_id`
 * (that version, whatever its status) > `script_id` (its online version) > neither (null: the
 * caller runs `script_content`). Scripts of other businesses do not exist for this scope.
 */
export function storedScriptOf(state: JobState, scope: Scope, req: SbRequest): StoredScript | null {
  const inScope = state.scripts().filter((s) => s.bizId === scope.bizId);
  const versionId = optionalInt(req, 'script_version_id');
  if (versionId !== undefined) {
    for (const script of inScope) {
      const version = script.versions.find((v) => v.id === versionId);
      if (version) return runnable({ script, version }, 'script_version_id');
    }
    throw invalid('script_version_id', `script version ${versionId} does not exist in the business`);
  }
  const raw = field(req, 'script_id');
  if (raw === undefined || raw === null || raw === '') return null;
  if (typeof raw !== 'string') throw missingOrInvalid('script_id');
  const script = inScope.find((s) => s.id === raw);
  if (!script) throw invalid('script_id', `script ${raw} does not exist in the business`);
  const version = onlineVersion(script);
  if (!version) throw invalid('script_id', `script ${raw} has no online version`);
  return runnable({ script, version }, 'script_id');
}

/** fast_execute_script runs languages 1–5; SQL scripts go through fast_execute_sql. */
function runnable(found: StoredScript, name: string): StoredScript {
  if (found.script.language === 6) {
    throw invalid(name, 'a SQL script cannot run through fast_execute_script (use fast_execute_sql)');
  }
  return found;
}
