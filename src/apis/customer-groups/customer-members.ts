import type { Square } from 'square';
import type { GatewayContext } from '../../context/gateway-context.js';
import { squareConnection, type PageArgs } from '../../schema/connections.js';

/**
 * The customers of one group or segment, oldest first: SearchCustomers with Square's
 * `group_ids` or `segment_ids` filter, a page per call, kept with the other customer
 * pages (any customer change drops them, and membership is a customer change).
 */
export function customersIn(ctx: GatewayContext, args: PageArgs, member: { groupIds: Square.FilterValue } | { segmentIds: Square.FilterValue }) {
  return squareConnection(
    args,
    async (cursor, limit) => {
      const page = await ctx.loaders.customerSearch({ cursor, limit: BigInt(limit), query: { filter: member, sort: { field: 'CREATED_AT', order: 'ASC' } } });
      return { items: page.customers ?? [], cursor: page.cursor };
    },
    { scope: ['customersIn', member], sortKey: (c) => c.createdAt, direction: 'ASC' },
  );
}
