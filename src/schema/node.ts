import { resolveNodes } from '@pothos/plugin-relay';
import type { GraphQLInterfaceType, GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context/gateway-context.js';
import { builder, forbidden } from './builder.js';
import { nodeIdFrom } from './ids.js';

/**
 * `node` and `nodes` decode ids themselves instead of through the relay plugin's
 * argument mapping, which refuses the whole operation (with internal text) for one
 * bad id: here a bad id is BAD_USER_INPUT for its own entry only.
 */
async function loadNode(id: string, argument: string, ctx: GatewayContext, info: GraphQLResolveInfo) {
  const nodeTypes = info.schema.getPossibleTypes(info.schema.getType('Node') as GraphQLInterfaceType).map((type) => type.name);
  const { type, squareId } = nodeIdFrom(id, nodeTypes, argument);
  // Types whose scopes are checked per field (src/schema/write-facts.ts) would otherwise answer
  // node(id) { __typename } to any key, telling which ids exist; and nothing is fetched for a key that may not read it.
  const scopes = builder.configStore.getTypeConfig(type, 'Object').pothosOptions.authScopes;
  if (scopes && typeof scopes !== 'function') await builder.runAuthScopes(ctx, scopes, (result) => forbidden(result.failure, result.message));
  const [node] = await resolveNodes(builder, ctx, info, [{ typename: type, id: squareId }]);
  return node;
}

builder.queryField('node', (t) =>
  t.field({
    type: builder.nodeInterfaceRef(),
    description: 'Any object by its global id; null when nothing with that id exists.',
    args: { id: t.arg.id({ required: true, description: 'A global id, as read from an object’s id field.' }) },
    resolve: (_root, args, ctx, info) => loadNode(String(args.id), 'id', ctx, info),
  }),
);

builder.queryField('nodes', (t) =>
  t.field({
    type: [builder.nodeInterfaceRef()],
    nullable: { list: false, items: true },
    description:
      'Several objects by global id, in the order asked; an entry is null when nothing with that id exists, and null with an error when its id is not an object’s id or its lookup failed.',
    args: {
      ids: t.arg.idList({ required: true, description: 'Global ids, as read from objects’ id fields: at most 100.' }),
    },
    // One promise per entry, so that a bad id fails its own entry and the others still resolve.
    resolve: (_root, args, ctx, info) => args.ids.map((id) => loadNode(String(id), 'ids', ctx, info)),
  }),
);
