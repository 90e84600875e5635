import { registerEnumType } from 'type-graphql';

/** JOB's script languages (ScriptTypeEnum 1–6). */
export enum ScriptLanguage {
  SHELL = 'SHELL',
  BAT = 'BAT',
  PERL = 'PERL',
  PYTHON = 'PYTHON',
  POWERSHELL = 'POWERSHELL',
  SQL = 'SQL',
}

registerEnumType(ScriptLanguage, {
  name: 'ScriptLanguage',
  description: "A script's language, as JOB numbers them (script_language).",
  valuesConfig: {
    SHELL: { description: '1: shell.' },
    BAT: { description: '2: Windows batch.' },
    PERL: { description: '3: Perl.' },
    PYTHON: { description: '4: Python.' },
    POWERSHELL: { description: '5: PowerShell.' },
    SQL: { description: '6: SQL (runs through JOB fast_execute_sql, which bk-graph does not offer).' },
  },
});
