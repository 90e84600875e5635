export { createCmdbClient, HOST_FIELDS } from './client';
export type {
  BusinessFilter,
  CmdbClient,
  CmdbClientOptions,
  HostFilter,
  HostsArgs,
  PageArgs,
  RelationArgs,
  WatchArgs,
} from './client';
export { CMDB_LIMITS, cmdbSpecs } from './specs';
export * as cmdbMap from './map';
