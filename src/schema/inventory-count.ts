import { builder } from './builder.js';
import { InventoryCountRef, LocationRef } from './refs.js';

builder.objectType(InventoryCountRef, {
  authScopes: { INVENTORY_READ: true },
  description: 'How much of an item variation is in one state (e.g. IN_STOCK, WASTE) at one location.',
  fields: (t) => ({
    state: t.string({ nullable: false, description: 'The inventory state counted, e.g. IN_STOCK.', resolve: (c) => c.state ?? 'NONE' }),
    quantity: t.string({
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
