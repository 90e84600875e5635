import type { FieldNode } from 'graphql';
import type { HostPageKey } from '../loaders';
import { readPageArgs, type PageArgsInput, type PageRequest } from './connection';
import { hostQueryOf, type HostFilterInput } from './host-filter';
import { projectionOf, selectedHostFields } from './host-projection';
import { selects, type Fragments } from './selection';

/** `first` of every host connection: 100 by default, at most CMDB's 500-host page. */
export const HOST_PAGE_ARGS = { defaultFirst: 100, maxFirst: 500 } as const;

/**
 * The loader key and window of `Business.hosts`. The resolver and the prefetch in
 * `business(id)` (src/graph/business-prefetch.ts) both build it here: only equal keys share one upstream call.
 * When the items are not selected the key asks for the total only (`limit: 0`); when they read
 * `agent`, the key says so and the loader starts the page's GSE batch itself.
 */
export function hostPageRequest(
  bizId: string,
  args: PageArgsInput & { filter?: HostFilterInput | null },
  connection: readonly FieldNode[],
  fragments: Fragments,
): { key: HostPageKey; window: PageRequest } {
  const window = readPageArgs(args, HOST_PAGE_ARGS);
  const query = hostQueryOf(args.filter);
  if (!selects(connection, fragments, ['nodes', 'edges']))
    return { key: { bizId, query, offset: 0, limit: 0 }, window };
  const hostFields = selectedHostFields(connection, fragments);
  const key: HostPageKey = { bizId, query, ...window, projection: projectionOf(hostFields) };
  if (hostFields.has('agent')) key.agents = true;
  return { key, window };
}

/** The key of `Business.hostCount`: the total of the unfiltered list, shared with its pages. */
export function hostCountKey(bizId: string): HostPageKey {
  return { bizId, query: {}, offset: 0, limit: 0 };
}
