import type { Square } from 'square';
import { builder } from '../../schema/builder.js';
import { squareIdFrom } from '../../schema/ids.js';
import { InventoryCountRef } from './refs.js';
import { LocationRef } from '../locations/refs.js';
import { deliver, liveObjects } from '../../schema/subscriptions.js';
import { writeFact, writtenType } from '../../schema/write-facts.js';

builder.objectType(InventoryCountRef, {
  ...writtenType('INVENTORY_READ'),
  description: 'How much of an item variation is in one state (e.g. IN_STOCK, WASTE) at one location.',
  fields: (t) => ({
    state: t.string({ ...writeFact('INVENTORY_READ'), nullable: false, description: 'The inventory state counted, e.g. IN_STOCK.', resolve: (c) => c.state ?? 'NONE' }),
    quantity: t.string({
      ...writeFact('INVENTORY_READ'),
      nullable: false,
      description: 'A decimal number as a string, e.g. "12" or "2.5"; may be negative when more was sold than counted.',
      resolve: (c) => c.quantity ?? '0',
    }),
    calculatedAt: t.field({ type: 'DateTime', nullable: true, description: 'When Square last computed this count.', resolve: (c) => c.calculatedAt ?? null }),
    location: t.field({
      authScopes: { MERCHANT_PROFILE_READ: true },
      type: LocationRef,
      nullable: true,
      description: 'The location counted.',
      resolve: (c, _args, ctx) => (c.locationId ? ctx.loaders.location.load(c.locationId) : null),
    }),
  }),
});

/** The Square events that change a inventory count: its live update's, and its outbound webhook topic's (src/outbound/topics.ts). */
export const INVENTORY_COUNT_EVENTS: ReadonlySet<string> = new Set(['inventory.count.updated']);

builder.subscriptionFields((t) => ({
  inventoryCountUpdated: t.field({
    authScopes: { INVENTORY_READ: true },
    type: [InventoryCountRef],
    nullable: false,
    description:
      'The stock of one item variation at one location each time it changes (inventory.count.updated): a count or adjustment, or a sale of a tracked item. Delivers every counted state, read fresh.',
    args: {
      locationId: t.arg.id({ required: true, description: 'The location (its id or squareId).' }),
      catalogItemVariationId: t.arg.id({ required: true, description: 'The squareId of the item variation.' }),
    },
    subscribe: (_root, args, ctx) => {
      const locationId = squareIdFrom(String(args.locationId), 'Location', 'locationId');
      const variationId = String(args.catalogItemVariationId);
      return liveObjects<Square.InventoryCount[]>(ctx, {
        types: INVENTORY_COUNT_EVENTS,
        wanted: (event) => event.counted?.some((c) => c.variationId === variationId && c.locationId === locationId) ?? false,
        load: (c) => c.loaders.inventoryAt(variationId, locationId),
      });
    },
    resolve: (delivered, _args, ctx) => deliver(delivered, ctx),
  }),
}));
