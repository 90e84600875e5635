import { z } from 'zod';
import type { JobStep } from '../../store';

/**
 * JOB's callback body (CONTRACTS.md §4.6; fixture job.callback_protocol.json):
 * `{job_instance_id, status, step_instance_list: [{step_instance_id, status}]}`. JOB sends it as
 * JSON, and once more with `application/x-www-form-urlencoded` when the first try failed — the
 * same JSON text with the form content type (bk-job's CallbackListener), so the body is read as
 * JSON whatever the content type says. Real `key=value` pairs, with `step_instance_list`
 * JSON-encoded, are accepted too. Keys beyond the documented ones are ignored.
 */
export interface JobCallback {
  jobInstanceId: string;
  status: number;
  steps: JobStep[];
}

const MAX_STEPS = 1000;

// Numbers arrive as JSON numbers, or as text from a form: either spelling, nothing else.
const id = z
  .union([z.number().int().positive().max(Number.MAX_SAFE_INTEGER), z.string().regex(/^\d{1,15}$/)])
  .transform((v) => String(Number(v)));
const runStatus = z
  .union([z.number().int(), z.string().regex(/^\d{1,3}$/)])
  .transform(Number)
  .refine((v) => v >= 1 && v <= 999, 'not a JOB run status');

const schema = z.object({
  job_instance_id: id,
  status: runStatus,
  step_instance_list: z.array(z.object({ step_instance_id: id, status: runStatus })).max(MAX_STEPS),
});

/** The callback in `body`, or null when it is not one (malformed: answered 400, stored nowhere). */
export function parseJobCallback(body: string): JobCallback | null {
  const raw = jsonObject(body) ?? formObject(body);
  if (raw === null) return null;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return null;
  return {
    jobInstanceId: parsed.data.job_instance_id,
    status: parsed.data.status,
    steps: parsed.data.step_instance_list.map((s) => ({
      stepInstanceId: s.step_instance_id,
      status: s.status,
    })),
  };
}

function jsonObject(body: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function formObject(body: string): Record<string, unknown> | null {
  if (!body.includes('=')) return null;
  const form = new URLSearchParams(body);
  const steps = form.get('step_instance_list');
  let list: unknown = steps;
  if (steps !== null) {
    try {
      list = JSON.parse(steps);
    } catch {
      return null;
    }
  }
  return {
    job_instance_id: form.get('job_instance_id'),
    status: form.get('status'),
    step_instance_list: list,
  };
}
