import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  ApprovalDocument,
  BusinessesDocument,
  JobPlanDocument,
  JobPlansDocument,
  type ApprovalFieldsFragment,
  type RequestJobPlanExecutionInput,
} from './__generated__/graphql';
import { eventually } from './jobs.helpers';
import { print } from 'graphql';
import type { GraphQLResponse } from './helpers/server';

/** What the ticket and approval tests share: the sandbox's ITSM controls and journal, a plan to run. */

export const ALICE = { 'x-bk-token': 'token-alice' };
export const BOB = { 'x-bk-token': 'token-bob' };
export const ADMIN = { 'x-bk-token': 'token-admin' };
/** The sandbox's job approval service (src/sandbox/data/itsm-services.ts). */
export const APPROVAL_SERVICE = '17';
/** A plain ITSM service for tickets that gate nothing (通用审批). */
export const GENERAL_SERVICE = '18';

export type GraphQL = <TData, TVars>(
  doc: TypedDocumentNode<TData, TVars>,
  variables?: TVars,
  headers?: Record<string, string>,
) => Promise<GraphQLResponse<TData>>;

/** GraphQL over HTTP against the bk-graph at `baseUrl` (a replica started as a child process). */
export function graphqlAt(baseUrl: () => string): GraphQL {
  return async (doc, variables, headers = {}) => {
    const res = await fetch(`${baseUrl()}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: print(doc), variables }),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as never };
  };
}

/** A sandbox control call (`/_sandbox/<path>`); throws unless it answers 2xx. */
export async function sandboxCall<T = unknown>(
  sandboxUrl: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${sandboxUrl}/_sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? (method === 'POST' ? '{}' : undefined) : JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`sandbox ${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

/** What the sandbox's ITSM answers when a ticket is decided: the ticket and its callback's outcome. */
export interface Decision {
  sn: string;
  current_status: string;
  approve_result: boolean;
  callback: { status: number; ok: boolean; dropped?: boolean } | { delayedMs: number };
}

/** An approver approves (or rejects) the ticket in ITSM; ITSM then calls its callback URL. */
export const approveInItsm = (sandboxUrl: string, sn: string) =>
  sandboxCall<Decision>(sandboxUrl, 'POST', `/itsm/tickets/${sn}/approve`, {});
export const rejectInItsm = (sandboxUrl: string, sn: string) =>
  sandboxCall<Decision>(sandboxUrl, 'POST', `/itsm/tickets/${sn}/reject`, {});
/** ITSM loses its next `n` callbacks (recorded as failed callbacks, as a refused one is). */
export const dropItsmCallbacks = (sandboxUrl: string, n: number) =>
  sandboxCall(sandboxUrl, 'POST', '/itsm/callbacks', n > 0 ? { dropNext: n } : {});

/** A ticket as the sandbox's ITSM holds it. */
export const itsmTicket = (sandboxUrl: string, sn: string) =>
  sandboxCall<{ sn: string; current_status: string; app_code: string; callback_failed: boolean }>(
    sandboxUrl,
    'GET',
    `/itsm/tickets/${sn}`,
  );

export interface JournalEntry {
  api: string;
  method: string;
  path: string;
  body: string | null;
}

/** The API calls the sandbox received since its last reset (`GET /_sandbox/requests`). */
export async function journal(sandboxUrl: string, api?: string): Promise<JournalEntry[]> {
  const { requests } = await sandboxCall<{ requests: JournalEntry[] }>(sandboxUrl, 'GET', '/requests');
  return api ? requests.filter((r) => r.api === api) : requests;
}

/** How many execute_job_plan calls JOB has accepted (its own records). */
export async function planExecutions(sandboxUrl: string): Promise<number> {
  return (await sandboxCall<{ execute_job_plan: number }>(sandboxUrl, 'GET', '/job/executions'))
    .execute_job_plan;
}

/**
 * The first business whose plans `headers` may list, and its shortest plan that neither waits for
 * a person nor fails on purpose.
 */
export async function quickPlan(graphql: GraphQL, headers: Record<string, string> = ALICE) {
  const businesses = await graphql(BusinessesDocument, { first: 50 }, headers);
  expect(businesses.body.errors).toBeUndefined();
  for (const { id: businessId } of businesses.body.data!.businesses.nodes) {
    const plans = await graphql(JobPlansDocument, { businessId, first: 20 }, headers);
    if (plans.body.errors) continue;
    const details = await Promise.all(
      plans.body.data!.jobPlans.nodes.map((p) => graphql(JobPlanDocument, { businessId, id: p.id }, headers)),
    );
    const plan = details
      .map((d) => d.body.data!.jobPlan!)
      .filter((p) => p.name !== 'chaos drill' && p.steps.every((s) => s.type !== 'MANUAL_CONFIRM'))
      .sort((a, b) => a.steps.length - b.steps.length)[0];
    if (plan) return { ...plan, businessId };
  }
  throw new Error('the caller may run no plan in the sandbox');
}

/** A request to run `plan` with a value for its first string variable, if it has one. */
export function requestInput(
  plan: { id: string; businessId: string; variables: { name: string; type: string }[] },
  overrides: Partial<RequestJobPlanExecutionInput> = {},
): RequestJobPlanExecutionInput {
  const text = plan.variables.find((v) => v.type === 'STRING');
  return {
    businessId: plan.businessId,
    planId: plan.id,
    variables: text ? [{ name: text.name, value: '1.5.0' }] : [],
    reason: 'release 1.5.0 to production',
    ...overrides,
  };
}

/** Polls `approval(id)` until it is in `state`; answers it. */
export async function approvalIn(
  graphql: GraphQL,
  id: string,
  state: string,
  headers: Record<string, string> = ALICE,
  timeoutMs = 15_000,
): Promise<ApprovalFieldsFragment> {
  let last: unknown;
  try {
    return await eventually(
      async () => {
        const res = await graphql(ApprovalDocument, { id }, headers);
        last = res.body.errors ?? res.body.data?.approval?.state;
        const approval = res.body.data?.approval;
        return approval?.state === state ? approval : undefined;
      },
      { timeoutMs, everyMs: 100 },
    );
  } catch {
    throw new Error(`approval ${id} not ${state} within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
  }
}
