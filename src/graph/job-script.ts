import { UpstreamError } from '../errors';
import type { Loaders } from '../loaders';
import type { JobScript, JobScriptLanguage, Page } from '../upstream/domain';
import { wireId } from '../upstream/ids';
import type { PageRequest } from './connection';

/** One window of a business's scripts (`Query.scripts`). */
export function scriptPage(
  loaders: Loaders,
  businessId: string,
  name: string | null | undefined,
  language: Exclude<JobScriptLanguage, 'UNKNOWN'> | null | undefined,
  window: PageRequest,
): Promise<Page<JobScript>> {
  const bizId = String(wireId(businessId, 'businessId'));
  return loaders.jobScriptPages.load({
    bizId,
    ...(name ? { name } : {}),
    ...(language ? { language } : {}),
    ...window,
  });
}

/** A script's language; a code bk-graph does not know fails that field alone, naming the code. */
export function scriptLanguage(script: JobScript): Exclude<JobScriptLanguage, 'UNKNOWN'> {
  if (script.language !== 'UNKNOWN') return script.language;
  throw new UpstreamError(
    'malformed',
    `JOB answered a script language bk-graph does not know: ${script.languageCode}`,
    {
      system: 'job',
      api: 'get_script_list',
    },
  );
}
