import { BadUserInputError } from '../errors';
import type { HostQuery } from '../loaders';
import { wireIds } from '../upstream/ids';
import { DOCUMENTED_LIMITS } from '../upstream/limits';

/** The documented per-call maxima of the id lists a host filter becomes (CONTRACTS.md §3.2). */
const MAX = {
  innerIps: DOCUMENTED_LIMITS.cmdb.innerIps,
  setIds: DOCUMENTED_LIMITS.cmdb.setIds,
  moduleIds: DOCUMENTED_LIMITS.cmdb.moduleIds,
} as const;

export interface HostFilterInput {
  innerIps?: string[] | null;
  nameContains?: string | null;
  osType?: string | null;
  cloudId?: number | null;
  setIds?: string[] | null;
  moduleIds?: string[] | null;
}

/** Validates a GraphQL HostFilter (bad values are BAD_USER_INPUT naming the field) into a loader query. */
export function hostQueryOf(filter: HostFilterInput | null | undefined): HostQuery {
  if (!filter) return {};
  for (const key of ['innerIps', 'setIds', 'moduleIds'] as const) {
    const list = filter[key];
    if (list && list.length > MAX[key])
      throw new BadUserInputError(
        `\`filter.${key}\` takes at most ${MAX[key]} values, got ${list.length}`,
        `filter.${key}`,
      );
  }
  if (filter.setIds) wireIds(filter.setIds, 'filter.setIds');
  if (filter.moduleIds) wireIds(filter.moduleIds, 'filter.moduleIds');
  if (filter.cloudId != null && (!Number.isInteger(filter.cloudId) || filter.cloudId < 0))
    throw new BadUserInputError('`filter.cloudId` must be a non-negative integer', 'filter.cloudId');
  const query: HostQuery = {};
  if (filter.innerIps?.length) query.innerIps = [...new Set(filter.innerIps)].sort();
  if (filter.nameContains) query.nameContains = filter.nameContains;
  if (filter.osType) query.osType = filter.osType;
  if (filter.cloudId != null) query.cloudId = filter.cloudId;
  if (filter.setIds?.length) query.setIds = [...new Set(filter.setIds)].sort();
  if (filter.moduleIds?.length) query.moduleIds = [...new Set(filter.moduleIds)].sort();
  return query;
}
