import type { Square } from 'square';
import { builder } from '../../schema/builder.js';
import { Money } from '../../schema/money.js';
import { OrderLineItem } from '../orders/order.js';
import { CatalogItemRef, CatalogItemVariationRef } from './refs.js';
import { InventoryCountRef } from '../inventory/refs.js';

const variationData = (v: Square.CatalogObject) => (v.type === 'ITEM_VARIATION' ? v.itemVariationData : undefined);

builder.objectType(CatalogItemVariationRef, {
  authScopes: { ITEMS_READ: true },
  description: 'One sellable form of a catalog item, e.g. a size, with its own price, SKU and stock.',
  fields: (t) => ({
    squareId: t.string({
      nullable: false,
      description: 'Square’s own id for this variation: what an order line’s catalogObjectId names.',
      resolve: (v) => v.id!,
    }),
    name: t.string({ nullable: true, description: 'The variation’s name, e.g. “Large”.', resolve: (v) => variationData(v)?.name ?? null }),
    sku: t.string({ nullable: true, description: 'The seller’s stock-keeping unit.', resolve: (v) => variationData(v)?.sku ?? null }),
    price: t.field({
      type: Money,
      nullable: true,
      description: 'The price of one unit; null for variable pricing, where the price is set at the sale.',
      resolve: (v) => variationData(v)?.priceMoney ?? null,
    }),
    trackInventory: t.boolean({
      nullable: false,
      description: 'Whether Square counts this variation’s stock (sales then take it out of IN_STOCK).',
      resolve: (v) => variationData(v)?.trackInventory ?? false,
    }),
    item: t.field({
      type: CatalogItemRef,
      nullable: true,
      description: 'The item this is a variation of.',
      resolve: (v, _args, ctx) => {
        const itemId = variationData(v)?.itemId;
        return itemId ? ctx.loaders.catalogObject.load(itemId) : null;
      },
    }),
    inventory: t.field({
      authScopes: { INVENTORY_READ: true },
      type: [InventoryCountRef],
      description:
        'The variation’s stock at one location, one count per state Square keeps (IN_STOCK, WASTE, …); empty when nothing was ever counted there; null with an error when it could not be read (e.g. without INVENTORY_READ), the rest of the item standing. Read for every variation of a request in one BatchRetrieveInventoryCounts per location.',
      args: { locationId: t.arg.id({ required: true, description: 'The location’s squareId.' }) },
      resolve: (v, args, ctx) => ctx.loaders.inventoryAt(v.id!, String(args.locationId)),
    }),
  }),
});

builder.objectField(OrderLineItem, 'catalogItemVariation', (t) =>
  t.field({
    authScopes: { ITEMS_READ: true },
    type: CatalogItemVariationRef,
    nullable: true,
    description: 'The catalog item variation sold, as it stands now; null for a custom amount or a variation since deleted.',
    resolve: async (line, _args, ctx) => {
      if (!line.catalogObjectId) return null;
      const found = await ctx.loaders.catalogObject.load(line.catalogObjectId);
      return found?.type === 'ITEM_VARIATION' ? found : null;
    },
  }),
);
