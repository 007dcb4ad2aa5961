import type { Square } from 'square';
import { builder } from '../../schema/builder.js';
import { squareIdFrom } from '../../schema/ids.js';
import { deliver, liveObjects } from '../../schema/subscriptions.js';
import { CustomerRef } from './refs.js';

/** The Square events that change a customer profile: its live update's, and its outbound webhook topic's (src/outbound/topics.ts). */
export const CUSTOMER_EVENTS: ReadonlySet<string> = new Set(['customer.created', 'customer.updated']);

builder.subscriptionFields((t) => ({
  customerUpdated: t.field({
    authScopes: { CUSTOMERS_READ: true },
    type: CustomerRef,
    nullable: false,
    description:
      'A customer profile as it changes (customer.created, customer.updated). When the seller merges it into another profile, the surviving profile is delivered, and its changes from then on.',
    args: {
      customerId: t.arg.id({ required: true, description: 'The customer to watch (its id or squareId).' }),
    },
    subscribe: async (_root, args, ctx) => {
      const watched = new Set([squareIdFrom(String(args.customerId), 'Customer', 'customerId')]);
      // A profile merged away before the subscription started lives on as its survivor.
      const survivor = await ctx.lineage.mergedInto([...watched][0]!);
      if (survivor) watched.add(survivor);
      return liveObjects<Square.Customer>(ctx, {
        types: CUSTOMER_EVENTS,
        wanted: (event) => {
          if (watched.has(event.objectId)) return true;
          if (!event.mergedFrom?.some((id) => watched.has(id))) return false;
          watched.add(event.objectId);
          return true;
        },
        load: (c, event) => c.loaders.customer.load(event.objectId),
      });
    },
    resolve: (delivered, _args, ctx) => deliver(delivered, ctx),
  }),
}));
