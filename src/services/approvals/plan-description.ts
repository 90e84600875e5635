import type { JobPlanDetail, JobStepType } from '../../upstream/domain';
import { MAX_TITLE } from '../tickets/ticket-input';
import type { PlanRunVariable } from './plan-variables';

export interface PlanRunRequest {
  plan: JobPlanDetail;
  businessId: string;
  /** From CMDB, when it could be read. */
  businessName: string | null;
  variables: PlanRunVariable[];
  reason: string;
  requestedBy: string;
  approvalId: string;
}

const STEP_KIND: Record<JobStepType, string> = {
  SCRIPT: 'script',
  FILE: 'file transfer',
  MANUAL: 'manual confirmation',
  SQL: 'SQL',
  UNKNOWN: 'step',
};
// Each form value stays well inside the ticket input's bounds (8000 per field, 32 KiB in all).
const MAX_VALUE_SHOWN = 200;
const MAX_FIELD = 6000;
const HOSTS_LISTED = 50;

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function hostsText(ids: readonly string[]): string {
  if (ids.length === 0) return 'no hosts';
  const listed = ids.slice(0, HOSTS_LISTED).join(', ');
  const more = ids.length > HOSTS_LISTED ? `, and ${ids.length - HOSTS_LISTED} more` : '';
  return `${ids.length} host${ids.length === 1 ? '' : 's'} (bk_host_id ${listed}${more})`;
}

function variableLine(v: PlanRunVariable): string {
  const source = v.given ? '' : ' (plan default)';
  // A password's value never reaches the ticket: approvers see that one is set, not what it is.
  if (v.type === 'PASSWORD') return `${v.name} = ******** (password, hidden)${source}`;
  if (v.type === 'HOST_LIST') return `${v.name} = ${hostsText(v.hostIds)}${source}`;
  return `${v.name} = ${JSON.stringify(cut(v.value ?? '', MAX_VALUE_SHOWN))}${source}`;
}

/**
 * The ITSM ticket of an approval, in words an approver understands: which plan, on which
 * business, with which variables, on how many hosts, why and for whom. Form keys are plain
 * identifiers; `bk_biz_id` is ITSM's own business field.
 */
export function describePlanRun(r: PlanRunRequest): {
  title: string;
  fields: { key: string; value: string }[];
} {
  const business = r.businessName
    ? `${r.businessName} (business ${r.businessId})`
    : `business ${r.businessId}`;
  const hosts = [...new Set(r.variables.filter((v) => v.type === 'HOST_LIST').flatMap((v) => v.hostIds))];
  const steps = r.plan.steps.map((s, i) => `${i + 1}. ${s.name} (${STEP_KIND[s.type]})`);
  const fields = [
    { key: 'bk_biz_id', value: r.businessId },
    { key: 'business', value: business },
    { key: 'job_plan', value: `${r.plan.name} (plan ${r.plan.id})` },
    {
      key: 'target_hosts',
      value: hosts.length ? hostsText(hosts) : 'none in the variables (the steps name their own)',
    },
    { key: 'variables', value: r.variables.length ? r.variables.map(variableLine).join('\n') : 'none' },
    { key: 'steps', value: steps.length ? steps.join('\n') : 'none' },
    { key: 'reason', value: r.reason },
    { key: 'requested_by', value: r.requestedBy },
    { key: 'bk_graph_approval_id', value: r.approvalId },
  ];
  return {
    title: cut(`Run JOB plan "${r.plan.name}" on ${business}`, MAX_TITLE),
    fields: fields.map((f) => ({ key: f.key, value: cut(f.value, MAX_FIELD) })),
  };
}
