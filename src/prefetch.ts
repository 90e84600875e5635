import {
  getArgumentValues,
  getNamedType,
  isObjectType,
  type FieldNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';
import { hostProjectionOf } from './host-fields';
import { hostQueryOf, type HostFilterInput } from './host-query';
import type { Loaders } from './loaders';
import { readPageArgs, type PageArgsInput } from './pagination';

/**
 * Starts the reads a Business's selected fields will make, while `business(id)` itself is still
 * being looked up. GraphQL resolves a child only after its parent, but the host page, totals,
 * sets, modules, topology and relation index of a business depend only on its id: asking for them
 * at once takes a whole upstream round trip off the critical path. The loads go through the same
 * per-request DataLoaders (same keys) the child resolvers use, so the children get these very
 * promises and no call is made twice. When the business turns out unknown or hidden, the started
 * loads are dropped unread; their failures are swallowed here and never reach the response.
 */
export function prefetchBusinessChildren(loaders: Loaders, bizId: string, info: GraphQLResolveInfo): void {
  const business = getNamedType(info.returnType);
  if (!isObjectType(business)) return;
  const fields = business.getFields();
  const started: Promise<unknown>[] = [];

  for (const node of childFields(info.fieldNodes, info)) {
    const field = fields[node.name.value];
    if (!field) continue;
    try {
      switch (node.name.value) {
        case 'hostCount':
          started.push(loaders.hostPages.load({ bizId, query: {}, offset: 0, limit: 0 }));
          break;
        case 'hosts': {
          const args = getArgumentValues(field, node, info.variableValues) as PageArgsInput & {
            filter?: HostFilterInput | null;
          };
          const window = readPageArgs(args, { defaultFirst: 100, maxFirst: 500 });
          const withItems = hasField(node.selectionSet, info, ['nodes', 'edges'], 1);
          started.push(
            loaders.hostPages.load(
              withItems
                ? {
                    bizId,
                    query: hostQueryOf(args.filter),
                    ...window,
                    projection: hostProjectionOf([node], info.fragments),
                  }
                : { bizId, query: hostQueryOf(args.filter), offset: 0, limit: 0 },
            ),
          );
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
          if (hasField(node.selectionSet, info, ['hosts'], Infinity)) {
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

/** The fields selected directly on the resolved object, through fragments. */
function childFields(nodes: readonly FieldNode[], info: GraphQLResolveInfo): FieldNode[] {
  const out: FieldNode[] = [];
  const visit = (set: SelectionSetNode | undefined) => {
    for (const s of set?.selections ?? []) {
      if (s.kind === 'Field') out.push(s);
      else if (s.kind === 'InlineFragment') visit(s.selectionSet);
      else visit(info.fragments[s.name.value]?.selectionSet);
    }
  };
  for (const n of nodes) visit(n.selectionSet);
  return out;
}

/** Whether one of `names` is selected within `depth` levels below `set`. */
function hasField(
  set: SelectionSetNode | undefined,
  info: GraphQLResolveInfo,
  names: readonly string[],
  depth: number,
): boolean {
  if (!set || depth <= 0) return false;
  return set.selections.some((s) => {
    if (s.kind === 'Field')
      return names.includes(s.name.value) || hasField(s.selectionSet, info, names, depth - 1);
    if (s.kind === 'InlineFragment') return hasField(s.selectionSet, info, names, depth);
    return hasField(info.fragments[s.name.value]?.selectionSet, info, names, depth);
  });
}
