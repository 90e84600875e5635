import { getArgumentValues, getNamedType, isObjectType, type GraphQLResolveInfo } from 'graphql';
import type { Loaders } from '../loaders';
import { hostCountKey, hostPageRequest } from './host-page';
import { selectedFields, selects } from './selection';

/**
 * Starts the reads a Business's selected fields will make, while `business(id)` itself is still
 * being looked up. GraphQL resolves a child only after its parent, but the host page, totals,
 * sets, modules, topology and relation index of a business depend only on its id (and the host
 * page's agent states, which its loader asks for, only on the page): asking for them at once
 * takes a whole upstream round trip off the critical path. The loads go through the same
 * per-request DataLoaders (same keys) the child resolvers use, so the children get these very
 * promises and no call is made twice. When the business turns out unknown or hidden, the started
 * loads are dropped unread; their failures are swallowed here and never reach the response.
 */
export function prefetchBusinessChildren(loaders: Loaders, bizId: string, info: GraphQLResolveInfo): void {
  const business = getNamedType(info.returnType);
  if (!isObjectType(business)) return;
  const fields = business.getFields();
  const started: Promise<unknown>[] = [];

  for (const node of selectedFields(info.fieldNodes, info.fragments)) {
    const field = fields[node.name.value];
    if (!field) continue;
    try {
      switch (node.name.value) {
        case 'hostCount':
          started.push(loaders.hostPages.load(hostCountKey(bizId)));
          break;
        case 'hosts': {
          const args = getArgumentValues(field, node, info.variableValues) as Parameters<
            typeof hostPageRequest
          >[1];
          // When the items read `agent`, the loader starts the page's GSE batch as soon as the
          // page is in (GSE needs only the hosts, not the business).
          started.push(loaders.hostPages.load(hostPageRequest(bizId, args, [node], info.fragments).key));
          break;
        }
        case 'sets':
          started.push(loaders.setsByBiz.load(bizId));
          break;
        case 'modules':
          started.push(loaders.modulesByBiz.load(bizId));
          break;
        case 'topology':
          started.push(loaders.topologyByBiz.load(bizId));
          // Host lists under the tree are cut from the business's relation index.
          if (selects([node], info.fragments, ['hosts'], Infinity)) {
            loaders.prefetchedRelations.add(bizId);
            started.push(loaders.relationsByBiz.load(bizId));
          }
          break;
      }
    } catch {
      // Bad arguments: the child resolver reports them itself (BAD_USER_INPUT naming the field).
    }
  }
  for (const p of started) p.catch(() => undefined);
}
