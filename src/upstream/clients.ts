import type { Config, UpstreamConfig } from '../config';
import { createCmdbClient } from './cmdb';
import type { CmdbClient } from './cmdb';
import { createGseClient } from './gse';
import type { GseClient } from './gse';
import { createItsmClient } from './itsm';
import type { ItsmClient } from './itsm';
import { createJobClient } from './job';
import type { JobClient } from './job';
import { createLoginClient } from './login';
import type { LoginClient } from './login';
import { createPaasClient } from './paas';
import type { PaasClient } from './paas';
import type { BatchLimits } from './limits';
import type { UpstreamCaller } from './types';

export interface Clients {
  cmdb: CmdbClient;
  gse: GseClient;
  job: JobClient;
  itsm: ItsmClient;
  login: LoginClient;
  paas: PaasClient;
}

export interface ClientsOptions {
  /**
   * Per-call key limits and chunks in flight at once per fan-out (`BK_BATCH_LIMITS`).
   * @default BlueKing's documented maxima, 4 in flight
   */
  limits?: Partial<BatchLimits>;
  /** UTC offset of BlueKing's zone-less datetimes (ITSM). @default '+08:00' */
  timeZoneOffset?: string;
  /** GSE 1.0: also fetch agent versions (a second call per chunk). @default false */
  gseV1Versions?: boolean;
}

type ClientsConfig = Pick<UpstreamConfig, 'transports' | 'gseVersion' | 'supplierAccount'> &
  Partial<Pick<UpstreamConfig, 'componentApiUrl'>>;

/**
 * One typed client per BlueKing system over one caller; the caller owns all HTTP. Takes the whole
 * `Config` or just its upstream part.
 */
export function createClients(
  caller: UpstreamCaller,
  configOrUpstream: Pick<Config, 'upstream'> | ClientsConfig,
  options: ClientsOptions = {},
): Clients {
  const config: ClientsConfig = 'upstream' in configOrUpstream ? configOrUpstream.upstream : configOrUpstream;
  const concurrency = options.limits?.concurrency ?? 4;
  return {
    cmdb: createCmdbClient(caller, { supplierAccount: config.supplierAccount, pageConcurrency: concurrency }),
    gse: createGseClient(caller, {
      version: config.gseVersion,
      supplierAccount: config.supplierAccount,
      concurrency,
      v1Versions: options.gseV1Versions ?? false,
      ...(options.limits?.gseAgents !== undefined ? { agentsPerCall: options.limits.gseAgents } : {}),
    }),
    job: createJobClient(caller, { concurrency }),
    itsm: createItsmClient(caller, options.timeZoneOffset ? { timeZoneOffset: options.timeZoneOffset } : {}),
    login: createLoginClient(caller, {
      transport: config.transports.login,
      esbAvailable: config.componentApiUrl !== null,
    }),
    paas: createPaasClient(caller, { transport: config.transports.paas }),
  };
}
