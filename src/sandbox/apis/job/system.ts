import type { SbRequest } from '../../types';
import { SbBizError } from '../../types';
import { JobCode } from './params';

/**
 * JOB's app-mode resources `/api/v3/system/<name>` (CONTRACTS.md §1.2, §4): the gateway verifies
 * the app only (`userVerifiedRequired: false`), and job-gateway takes the operator from the
 * `X-Bk-Username` header, else from the JWT's user, which is the (unverified) `bk_username` of
 * X-Bkapi-Authorization or the user its bk_token/access_token stands for. No operator at all →
 * HTTP 401 `1247002 Missing user info` (§4.7), before the call's own parameters are looked at.
 * Permission checks then use that operator, as if the call came from them.
 * Every read has an app-mode twin, and so do the two executions (`APP_MODE_WRITES`): background
 * work (a job an ITSM approval released, bk-graph's status poller) runs them for the user who
 * asked, through the app's own identity.
 */

/** The writes served at `/api/v3/system/<name>` too (counted as `job.system.<name>`). */
export const APP_MODE_WRITES: ReadonlySet<string> = new Set(['execute_job_plan', 'fast_execute_script']);

function operatorFrom(req: SbRequest): string | null {
  const header = req.headers['x-bk-username']?.trim();
  return header || req.user?.username || req.claimedUsername || null;
}

/** The request as the operator makes it; throws the job-gateway's 401 when there is none. */
export function asOperator(req: SbRequest): SbRequest {
  const operator = operatorFrom(req);
  if (!operator) {
    throw new SbBizError(JobCode.MISSING_USER_INFO, 'Missing user info', { httpStatus: 401 });
  }
  // An unverified claim: ctx.assertBizAccess looks the name up among the sandbox's users.
  return { ...req, user: null, claimedUsername: operator };
}
