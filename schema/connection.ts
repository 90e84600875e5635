import { Field, Int, ObjectType } from 'type-graphql';
import type { ClassType } from 'type-graphql';
import { PageInfo } from './page-info.type';

/** The plain shape every connection resolver returns (see src/graph/connection.ts `toConnection`). */
export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number;
}

/**
 * A Relay connection over `node`, plus `nodes` and `totalCount`. Use as the base of a named class:
 * `@ObjectType('BusinessConnection', {...}) class BusinessConnection extends Connection(Business) {}`.
 * The edge type is named after the node type (`BusinessEdge`).
 */
export function Connection<T extends object>(node: ClassType<T>, nodeName: string = node.name) {
  @ObjectType(`${nodeName}Edge`, {
    simpleResolvers: true,
    description: `One ${nodeName} of a page, with its cursor.`,
  })
  class Edge {
    @Field(() => String, { description: 'Opaque cursor of this item: pass it as `after` to continue.' })
    cursor!: string;

    @Field(() => node, { description: `The ${nodeName}.` })
    node!: T;
  }

  // Not emitted itself: type-graphql 2 emits only types the resolvers reach (the named subclasses).
  @ObjectType(`${nodeName}ConnectionBase`, { simpleResolvers: true })
  abstract class ConnectionBase implements ConnectionShape<T> {
    @Field(() => [Edge], { description: 'The items of this page with their cursors.' })
    edges!: Edge[];

    @Field(() => [node], { description: 'The items of this page (the edges without cursors).' })
    nodes!: T[];

    @Field(() => PageInfo, { description: 'Where this page sits in the whole list.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'How many items match in total, across all pages.' })
    totalCount!: number;
  }
  return ConnectionBase;
}
