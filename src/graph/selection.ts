import type { FieldNode, FragmentDefinitionNode, GraphQLResolveInfo, SelectionSetNode } from 'graphql';

/**
 * Reading a query's selection ahead of resolution, through inline fragments and fragment spreads
 * (GraphQL validation rules out fragment cycles, so no guard is needed).
 */

export type Fragments = Readonly<Record<string, FragmentDefinitionNode>>;

/** The fields selected directly inside these nodes' selection sets. */
export function selectedFields(
  nodes: readonly { readonly selectionSet?: SelectionSetNode | undefined }[],
  fragments: Fragments,
): FieldNode[] {
  const out: FieldNode[] = [];
  const visit = (set: SelectionSetNode | undefined) => {
    for (const s of set?.selections ?? []) {
      if (s.kind === 'Field') out.push(s);
      else if (s.kind === 'InlineFragment') visit(s.selectionSet);
      else visit(fragments[s.name.value]?.selectionSet);
    }
  };
  for (const n of nodes) visit(n.selectionSet);
  return out;
}

/** Whether one of `names` is selected within `depth` levels below these nodes. */
export function selects(
  nodes: readonly { readonly selectionSet?: SelectionSetNode | undefined }[],
  fragments: Fragments,
  names: readonly string[],
  depth = 1,
): boolean {
  if (depth <= 0) return false;
  return selectedFields(nodes, fragments).some(
    (f) => names.includes(f.name.value) || selects([f], fragments, names, depth - 1),
  );
}

/**
 * Whether a connection field's selection reads its items (`nodes` or `edges`). When it does not
 * (`hosts { totalCount }`), the resolver asks upstream only for the count, which is what lets a
 * topology-wide count cost one call instead of one per node.
 */
export function selectsConnectionItems(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): boolean {
  return selects(info.fieldNodes, info.fragments, ['nodes', 'edges']);
}
