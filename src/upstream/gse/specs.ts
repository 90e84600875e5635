import { DOCUMENTED_LIMITS } from '../limits';
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

/** GSE's per-call maxima (one table for every system: src/upstream/limits.ts). */
export const GSE_LIMITS = DOCUMENTED_LIMITS.gse;

/** GSE 2.0 answers "none of these agents exist" as an error (CONTRACTS.md §6.2). */
export const GSE_NONE_FOUND_CODE = 1011003;
