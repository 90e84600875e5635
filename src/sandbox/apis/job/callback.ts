import { request } from 'undici';

/**
 * The POST JOB sends to `callback_url` when a job ends (CONTRACTS.md §4.6, fixture
 * job.callback_protocol.json): to the URL exactly as given, query string included, a JSON body
 * `{job_instance_id, status, step_instance_list: [{step_instance_id, status}]}`. Success is HTTP
 * 200 only; anything else (or no answer) gets one more try with
 * `Content-Type: application/x-www-form-urlencoded`, then JOB gives up.
 *
 * The retry's body is the same JSON text, not `key=value` pairs. bk-job's CallbackListener hands
 * the one JSON string (`JsonUtils.toJson(callbackDTO)`) to both `postJson` and `postFormData`, and
 * the retry exists for receivers written against older JOB, which POSTed exactly that JSON text
 * with the form content type (`HttpConPoolUtil.post(url, json, "application/x-www-form-urlencoded")`)
 * (TencentBlueKing/bk-job:src/backend/job-execute/service-job-execute/.../listener/CallbackListener.java,
 * current and earlier versions). The fixture does not show the form body. So a receiver has to read
 * the body as JSON whatever the content type says. The sandbox posts on its own, not through the
 * core's `postForm`, which can only send pairs.
 */

/** JOB's HttpConPoolUtil gives up after 15 s; the sandbox must not wait that long on a dead receiver. */
const CALLBACK_TIMEOUT_MS = 5000;

export interface CallbackAttempt {
  contentType: 'application/json' | 'application/x-www-form-urlencoded';
  /** HTTP status of the answer; 0 when there was none (refused, reset, timed out). */
  status: number;
}

export interface JobCallbackBody {
  job_instance_id: number;
  status: number;
  step_instance_list: { step_instance_id: number; status: number }[];
}

export function callbackBody(
  jobId: number,
  status: number,
  steps: readonly { id: number; status: number }[],
): JobCallbackBody {
  return {
    job_instance_id: jobId,
    status,
    step_instance_list: steps.map((s) => ({ step_instance_id: s.id, status: s.status })),
  };
}

async function post(url: string, text: string, contentType: CallbackAttempt['contentType']) {
  try {
    const res = await request(url, {
      method: 'POST',
      body: text,
      headers: { 'content-type': contentType },
      headersTimeout: CALLBACK_TIMEOUT_MS,
      bodyTimeout: CALLBACK_TIMEOUT_MS,
      signal: AbortSignal.timeout(CALLBACK_TIMEOUT_MS),
    });
    await res.body.dump();
    return res.statusCode;
  } catch {
    return 0;
  }
}

/** JSON first, then once with the form content type unless the first got HTTP 200. Never throws. */
export async function deliverCallback(url: string, body: JobCallbackBody): Promise<CallbackAttempt[]> {
  const text = JSON.stringify(body);
  const first: CallbackAttempt = {
    contentType: 'application/json',
    status: await post(url, text, 'application/json'),
  };
  if (first.status === 200) return [first];
  const retry: CallbackAttempt = {
    contentType: 'application/x-www-form-urlencoded',
    status: await post(url, text, 'application/x-www-form-urlencoded'),
  };
  return [first, retry];
}
