import type { FieldNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';
import { encodeCursor, type Connection } from './pagination';

/**
 * Whether a connection field's selection reads its items (`nodes` or `edges`), through fragments
 * too. When it does not (`hosts { totalCount }`), the resolver asks upstream only for the count,
 * which is what lets a topology-wide count cost one call instead of one per node.
 */
export function selectsConnectionItems(info: GraphQLResolveInfo): boolean {
  const visit = (set: SelectionSetNode | undefined, seen: Set<string>): boolean =>
    (set?.selections ?? []).some((s) => {
      if (s.kind === 'Field') return s.name.value === 'nodes' || s.name.value === 'edges';
      if (s.kind === 'InlineFragment') return visit(s.selectionSet, seen);
      const name = s.name.value;
      if (seen.has(name)) return false;
      seen.add(name);
      return visit(info.fragments[name]?.selectionSet, seen);
    });
  return info.fieldNodes.some((f: FieldNode) => visit(f.selectionSet, new Set()));
}

/** A connection whose items were not selected: its counts and cursors follow from offsets alone. */
export function countOnlyConnection<T>(offset: number, limit: number, totalCount: number): Connection<T> {
  const n = Math.max(0, Math.min(limit, totalCount - offset));
  return {
    edges: [],
    nodes: [],
    pageInfo: {
      hasNextPage: offset + n < totalCount,
      hasPreviousPage: offset > 0,
      startCursor: n > 0 ? encodeCursor(offset) : null,
      endCursor: n > 0 ? encodeCursor(offset + n - 1) : null,
    },
    totalCount,
  };
}
