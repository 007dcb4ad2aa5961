import type { Square } from 'square';
import { builder } from '../../schema/builder.js';
import { squareIdFrom } from '../../schema/ids.js';
import { customerIds, deliver, liveObjects } from '../../schema/subscriptions.js';
import { PaymentRef } from './refs.js';

/** The Square events that change a payment: its live update's, and its outbound webhook topic's (src/outbound/topics.ts). */
export const PAYMENT_EVENTS: ReadonlySet<string> = new Set(['payment.created', 'payment.updated']);

builder.subscriptionFields((t) => ({
  paymentUpdated: t.field({
    authScopes: { PAYMENTS_READ: true },
    type: PaymentRef,
    nullable: false,
    description: 'Each payment of the seller as it is created or changes (payment.created, payment.updated), optionally only one customer’s or one location’s.',
    args: {
      customerId: t.arg.id({ required: false, description: 'Only payments of this customer (its id or squareId).' }),
      locationId: t.arg.id({ required: false, description: 'Only payments taken at this location (its id or squareId).' }),
    },
    subscribe: async (_root, args, ctx) => {
      const locationId = args.locationId ? squareIdFrom(String(args.locationId), 'Location', 'locationId') : undefined;
      const customers = await customerIds(ctx, args.customerId);
      return liveObjects<Square.Payment>(ctx, {
        types: PAYMENT_EVENTS,
        load: (c, event) => c.loaders.payment.load(event.objectId),
        matches: (p) => (!customers || customers.has(p.customerId)) && (!locationId || p.locationId === locationId),
      });
    },
    resolve: (delivered, _args, ctx) => deliver(delivered, ctx),
  }),
}));
