import type { GraphQLResolveInfo } from 'graphql';
import type { Loaders } from '../loaders';
import { countOnlyConnection, readPageArgs, toConnection, type PageArgsInput } from './connection';
import { HOST_PAGE_ARGS } from './host-page';
import { selectsConnectionItems } from './selection';

/** `Module.hosts` and `TopoNode.hosts`: a window of the hosts under a topology node. */
export async function nodeHostsConnection(
  loaders: Loaders,
  bizId: string,
  objectId: string,
  instanceId: string,
  args: PageArgsInput,
  info: GraphQLResolveInfo,
) {
  const window = readPageArgs(args, HOST_PAGE_ARGS);
  const withItems = selectsConnectionItems(info);
  const page = await loaders.nodeHosts.load({
    bizId,
    objectId,
    instanceId,
    offset: window.offset,
    limit: withItems ? window.limit : 0,
  });
  return withItems
    ? toConnection(page.items, window.offset, page.count)
    : countOnlyConnection(window.offset, window.limit, page.count);
}
