import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('TopoNode', {
  simpleResolvers: true,
  description:
    "A node of a business's instance topology (search_biz_inst_topo): the business, its sets, their modules, and any custom mainline levels. The built-in idle set is not part of this tree.",
})
export class TopoNode {
  @Field(() => String, { description: 'Object id: biz, set, module, or a custom mainline object.' })
  objectId!: string;

  @Field(() => ID, { description: 'Instance id (bk_inst_id) of the node.' })
  instanceId!: string;

  @Field(() => String, { description: 'Instance name.' })
  name!: string;

  @Field(() => Boolean, {
    description: 'True for CMDB built-in instances (idle set, idle/fault/recycle modules).',
  })
  isBuiltIn!: boolean;

  @Field(() => [TopoNode], { description: 'Child nodes, in CMDB order.' })
  children!: TopoNode[];
}
