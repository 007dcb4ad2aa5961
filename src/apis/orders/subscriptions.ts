import type { Square } from 'square';
import { builder } from '../../schema/builder.js';
import { squareIdFrom } from '../../schema/ids.js';
import { customerIds, deliver, liveObjects } from '../../schema/subscriptions.js';
import { OrderRef } from './refs.js';

/** The Square events that change a order: its live update's, and its outbound webhook topic's (src/outbound/topics.ts). */
export const ORDER_EVENTS: ReadonlySet<string> = new Set(['order.created', 'order.updated', 'order.fulfillment.updated']);

builder.subscriptionFields((t) => ({
  orderUpdated: t.field({
    authScopes: { ORDERS_READ: true },
    type: OrderRef,
    nullable: false,
    description:
      'Each order of the seller as it is created or changes (order.created, order.updated, order.fulfillment.updated), optionally only one customer’s (named on the order or on a tender) or one location’s.',
    args: {
      customerId: t.arg.id({ required: false, description: 'Only orders of this customer, on the order or on a tender (its id or squareId).' }),
      locationId: t.arg.id({ required: false, description: 'Only orders of this location (its id or squareId).' }),
    },
    subscribe: async (_root, args, ctx) => {
      const locationId = args.locationId ? squareIdFrom(String(args.locationId), 'Location', 'locationId') : undefined;
      const customers = await customerIds(ctx, args.customerId);
      const owners = (o: Square.Order) => [o.customerId, ...(o.tenders ?? []).map((tender) => tender.customerId)];
      return liveObjects<Square.Order>(ctx, {
        types: ORDER_EVENTS,
        load: (c, event) => c.loaders.order.load(event.objectId),
        matches: (o) => (!customers || owners(o).some((id) => customers.has(id))) && (!locationId || o.locationId === locationId),
      });
    },
    resolve: (delivered, _args, ctx) => deliver(delivered, ctx),
  }),
}));
