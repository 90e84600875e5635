import { hex } from '../random';
import type { SandboxData } from '../types';

/**
 * Seeded JOB business scripts (业务脚本, CONTRACTS.md §4.8): 5–10 per business in mixed languages,
 * each with 1–3 versions. Every business has `check_disk.sh` (online, shell) and
 * `draft_migration.sh` (a draft only, so no online version: fast_execute_script by its id fails
 * with 1241010). One script, `fail_on_purpose.sh`, exits 1, like the plans' "chaos drill".
 */

/** 1 shell, 2 bat, 3 perl, 4 python, 5 powershell, 6 sql (JOB's ScriptTypeEnum). */
export type ScriptLanguage = 1 | 2 | 3 | 4 | 5 | 6;

export interface SbScriptVersion {
  /** script_version_id (a long in JOB). */
  id: number;
  version: string;
  /** online: the one `script_id` runs; offline: superseded; draft: never published. */
  status: 'online' | 'offline' | 'draft';
  /** Plain text; fast_execute_script runs it as if it had been sent as script_content. */
  content: string;
}

export interface SbScript {
  /** 32 lowercase hex, as JOB's script ids. */
  id: string;
  bizId: number;
  name: string;
  language: ScriptLanguage;
  creator: string;
  create_time: number;
  last_modify_user: string;
  last_modify_time: number;
  /** Oldest first; at most one is online. */
  versions: SbScriptVersion[];
}

export function onlineVersion(s: SbScript): SbScriptVersion | undefined {
  return s.versions.find((v) => v.status === 'online');
}

interface ScriptTemplate {
  name: string;
  language: ScriptLanguage;
  /** The body of every version; `{v}` becomes the version. */
  body: string;
  /** Publish no version: the script stays a draft. */
  draftOnly?: true;
}

const SHELL = '#!/bin/bash\n';

/** The first two are in every business; the rest are drawn per business. */
const TEMPLATES: readonly ScriptTemplate[] = [
  {
    name: 'check_disk.sh',
    language: 1,
    body: `${SHELL}echo "check_disk {v}"\necho "df -h /data"\necho "disk ok"\n`,
  },
  {
    name: 'draft_migration.sh',
    language: 1,
    body: `${SHELL}echo "migrating schema {v}"\n`,
    draftOnly: true,
  },
  {
    name: 'restart_service.sh',
    language: 1,
    body: `${SHELL}echo "restart_service {v}"\necho "service restarted"\n`,
  },
  {
    name: 'collect_logs.sh',
    language: 1,
    body: `${SHELL}echo "collect_logs {v}"\necho "tar czf /tmp/logs.tgz /data/logs"\n`,
  },
  {
    name: 'fail_on_purpose.sh',
    language: 1,
    body: `${SHELL}echo "fail_on_purpose {v}"\nexit 1\n`,
  },
  {
    name: 'cleanup_temp.bat',
    language: 2,
    body: '@echo off\r\necho cleanup_temp {v}\r\necho del /q %TEMP%\\*\r\n',
  },
  {
    name: 'inventory.pl',
    language: 3,
    body: '#!/usr/bin/perl\nprint "inventory {v}\\n";\n',
  },
  {
    name: 'health_check.py',
    language: 4,
    body: '#!/usr/bin/env python3\nprint("health_check {v}")\nprint("healthy")\n',
  },
  {
    name: 'rotate_iis_logs.ps1',
    language: 5,
    body: 'Write-Output "rotate_iis_logs {v}"\n',
  },
  {
    name: 'slow_queries.sql',
    language: 6,
    body: "-- slow_queries {v}\nSELECT * FROM mysql.slow_log LIMIT 10;\n",
  },
];

const PEOPLE = ['admin', 'alice', 'ops-li', 'ops-wang'] as const;
/** Seeded times never depend on the wall clock. */
const EPOCH_MS = Date.UTC(2024, 0, 1);
const DAY_MS = 86_400_000;

export function seedJobScripts(data: SandboxData, rnd: () => number): SbScript[] {
  const int = (min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));
  const person = () => PEOPLE[int(0, PEOPLE.length - 1)] ?? 'admin';
  const scripts: SbScript[] = [];
  const ids = new Set<string>();
  let versionId = 1000;
  for (const biz of data.businesses) {
    const [first, second, ...rest] = TEMPLATES;
    const drawn = rest
      .map((t) => ({ t, k: rnd() }))
      .sort((a, b) => a.k - b.k)
      .slice(0, int(3, rest.length))
      .map(({ t }) => t);
    for (const t of [first, second, ...drawn]) {
      if (!t) continue;
      let id = hex(rnd, 32);
      while (ids.has(id)) id = hex(rnd, 32);
      ids.add(id);
      const created = EPOCH_MS + int(0, 300) * DAY_MS + int(0, DAY_MS - 1);
      const count = t.draftOnly ? 1 : int(1, 3);
      const versions: SbScriptVersion[] = [];
      for (let i = 1; i <= count; i++) {
        const version = `1.${i - 1}.0`;
        const status = t.draftOnly ? 'draft' : i === count ? 'online' : 'offline';
        versions.push({ id: versionId++, version, status, content: t.body.replaceAll('{v}', version) });
      }
      scripts.push({
        id,
        bizId: biz.bk_biz_id,
        name: t.name,
        language: t.language,
        creator: person(),
        create_time: created,
        last_modify_user: person(),
        last_modify_time: created + int(0, 60) * DAY_MS,
        versions,
      });
    }
  }
  return scripts;
}
