import {
  getNamedType,
  getNullableType,
  isIntrospectionType,
  isLeafType,
  isListType,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';

/**
 * What an operation costs before it runs: roughly how many objects it may make bk-graph fetch and
 * build. A connection field multiplies its items by `first`; a plain list field by its expected
 * fan-out below; every object counts 1 and scalars nothing. A connection that selects only
 * `totalCount`/`pageInfo` costs one object: bk-graph asks upstream for the count alone.
 *
 * graphql-query-complexity walks the document (fragments, @include/@skip, variables); the rules
 * of what a field costs are bk-graph's, in `bkGraphEstimator`.
 */

/**
 * How many items a list field (not a connection) is expected to hold at most, per parent. CMDB
 * documents no per-business maxima, so these are the sizes BlueKing's own products page at or see
 * in large installs; a list that is longer in reality only makes the estimate low, never the
 * answer wrong.
 */
export const LIST_FAN_OUT: Readonly<Record<string, number>> = {
  // search_set pages 200 sets; a business with more than 50 is rare.
  'Business.sets': 50,
  // search_module across a business's sets.
  'Business.modules': 200,
  // search_biz_inst_topo answers the business itself as the tree's one root.
  'Business.topology': 1,
  // Sets (or custom mainline objects) under a business, modules under a set.
  'TopoNode.children': 50,
  'Set.modules': 20,
  // A host sits in one or a few modules (CMDB's host-module relation).
  'Host.sets': 2,
  'Host.modules': 4,
  // A JOB step runs on its target hosts: hundreds are common.
  'JobStep.hosts': 500,
  'Job.steps': 20,
  'JobPlan.variables': 20,
  'JobPlan.steps': 20,
  // An ITSM ticket waits at one or a few steps at a time, each offering a few operations; a
  // service's form has tens of fields.
  'Ticket.steps': 5,
  'Ticket.operations': 4,
  'Ticket.fields': 50,
  'TicketStep.operations': 5,
  // A connection's item list is multiplied by `first` at the connection itself.
  '*Connection.nodes': 1,
  '*Connection.edges': 1,
};

/**
 * Fields that cost an upstream call of their own per parent object, whatever they select: their
 * weight is added to the parent's cost. A plan's variables and steps come from its detail
 * (get_job_plan_detail), one call per plan, so `jobPlans(first: 1000) { nodes { steps { id } } }`
 * costs a thousand calls, not a thousand objects; likewise a listed ticket's live view and an
 * approval's job.
 */
export const CALL_WEIGHT: Readonly<Record<string, number>> = {
  'JobPlan.variables': 50,
  'JobPlan.steps': 50,
  // A stored ticket's live view is ITSM's get_ticket_status and get_ticket_info, read per ticket
  // (`ticket(sn)` has read it already; a listed ticket reads it when one of these is selected).
  'Ticket.steps': 50,
  'Ticket.operations': 50,
  'Ticket.fields': 50,
  // An approval's job is a JOB status read per approval.
  'Approval.job': 50,
};

/** Fan-out of a list field not named above. */
export const DEFAULT_LIST_FAN_OUT = 20;

/** Fields of a connection that do not need its items fetched. */
const COUNT_ONLY_FIELDS = new Set(['totalCount', 'pageInfo', '__typename']);

function fanOutOf(typeName: string, fieldName: string): number {
  const exact = LIST_FAN_OUT[`${typeName}.${fieldName}`];
  if (exact !== undefined) return exact;
  if (typeName.endsWith('Connection')) return LIST_FAN_OUT[`*Connection.${fieldName}`] ?? 1;
  return DEFAULT_LIST_FAN_OUT;
}

/** Whether a connection field's own selection reads only counts (fragments count as items). */
function selectsCountOnly(node: FieldNode): boolean {
  const selections = node.selectionSet?.selections ?? [];
  return selections.every((s) => s.kind === 'Field' && COUNT_ONLY_FIELDS.has(s.name.value));
}

export const bkGraphEstimator: ComplexityEstimator = ({ type, field, node, args, childComplexity }) => {
  // Introspection reads the schema in memory: its size is the schema's, bounded by the depth and
  // token limits, and costs no upstream call (clients send the full query at start-up).
  if (field.name.startsWith('__') || isIntrospectionType(type)) return 0;
  const named = getNamedType(field.type);
  if (isLeafType(named)) return 0;
  if (named.name.endsWith('Connection')) {
    const first = typeof args.first === 'number' && args.first > 0 ? args.first : 1;
    return (selectsCountOnly(node) ? 1 : first) * (1 + childComplexity);
  }
  const fanOut = isListType(getNullableType(field.type)) ? fanOutOf(type.name, field.name) : 1;
  return (CALL_WEIGHT[`${type.name}.${field.name}`] ?? 0) + fanOut * (1 + childComplexity);
};

/**
 * The cost of `operation` (one operation of `document`) with `variables`. Throws graphql-js's own
 * GraphQLError when the variables do not fit the operation (the caller reports it as
 * BAD_USER_INPUT). Only that operation and the fragments are walked: the others of a
 * multi-operation document do not run.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): number {
  const definitions = document.definitions.filter((d) => d === operation || d.kind === 'FragmentDefinition');
  return getComplexity({
    schema,
    query: { ...document, definitions },
    variables,
    estimators: [bkGraphEstimator],
  });
}
