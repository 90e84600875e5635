import type { ApiSpec } from '../types';

function gseSpec(api: string, apigwPath: string): ApiSpec {
  return {
    system: 'gse',
    api,
    apigw: { gateway: 'bk-gse', method: 'POST', path: apigwPath },
    esb: { system: 'gse', name: api, method: 'POST' },
    idempotent: true,
    envelope: 'bk',
  };
}

export const gseSpecs = {
  // GSE 1.0 is documented only as an ESB component (CONTRACTS.md §6.1). On APIGW the sandbox serves
  // the same bodies on bk-gse next to list_agent_state (src/sandbox/apis/gse.ts); no public
  // gateway resource exists to copy, so these paths follow the sandbox.
  getAgentStatus: gseSpec('get_agent_status', '/api/v2/cluster/get_agent_status'),
  getAgentInfo: gseSpec('get_agent_info', '/api/v2/cluster/get_agent_info'),
  // GSE 2.0 is APIGW-only in real installs; the ESB entry exists for symmetry (and the sandbox).
  listAgentState: gseSpec('list_agent_state', '/api/v2/cluster/list_agent_state'),
} as const satisfies Record<string, ApiSpec>;

export const GSE_LIMITS = {
  /** list_agent_state ids per call: clients use 2000-5000; 1000 keeps answers small (ARCHITECTURE.md). */
  agentsPerCallV2: 1000,
  /** get_agent_status / get_agent_info hosts per call: no documented maximum; 500 as CMDB's host page. */
  hostsPerCallV1: 500,
} as const;

/** GSE 2.0 answers "none of these agents exist" as an error (CONTRACTS.md §6.2). */
export const GSE_NONE_FOUND_CODE = 1011003;
