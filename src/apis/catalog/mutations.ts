import type { Square } from 'square';
import { z } from 'zod';
import { staleAfter } from './events.js';
import { builder } from '../../schema/builder.js';
import { ConflictError, NotFoundError, ValidationError } from '../../schema/errors.js';
import { MoneyInput } from '../../schema/money.js';
import { CatalogItemRef } from './refs.js';
import { idInput, idempotencyKey, mutationErrors, squareWrite, validateInput } from '../../schema/write.js';

/** Square's idempotency keys for catalog upserts: 1 to 128 characters. */
const KEY_MAX = 128;

const CatalogVariationInput = builder.inputType('CatalogVariationInput', {
  description: 'One variation of an item to upsert: new without squareId, else the variation to change.',
  fields: (t) => ({
    squareId: t.id({ required: false, description: 'The variation to change; absent for a new one.' }),
    name: t.string({ required: true, description: 'The variation’s name, e.g. “Large”.' }),
    price: t.field({ type: MoneyInput, required: false, description: 'The price of one unit; absent for variable pricing.' }),
    sku: t.string({ required: false, description: 'The seller’s stock-keeping unit.' }),
    trackInventory: t.boolean({ required: false, description: 'Whether Square counts its stock.' }),
  }),
});

const UpsertCatalogItemInput = builder.inputType('UpsertCatalogItemInput', {
  description:
    'An item with all its variations (Square UpsertCatalogObject): a new item without id; to change one, its id and the version read, so that a change made meanwhile is a ConflictError. Variations left out are deleted.',
  fields: (t) => ({
    idempotencyKey: t.string({ required: true, description: 'Your key for this write (1–128 characters): a retry with it never makes a second item.' }),
    id: t.id({ required: false, description: 'The item to change (its id or squareId); absent to create one.' }),
    version: t.field({ type: 'BigInt', required: false, description: 'The item’s version as read; absent to overwrite whatever Square holds.' }),
    name: t.string({ required: true, description: 'The item’s name.' }),
    description: t.string({ required: false, description: 'The item’s description, as plain text.' }),
    categoryId: t.id({ required: false, description: 'The squareId of the item’s category.' }),
    variations: t.field({ type: [CatalogVariationInput], required: true, description: 'Every variation the item is to have (at least one).' }),
  }),
});

const DeleteCatalogObjectInput = builder.inputType('DeleteCatalogObjectInput', {
  description: 'The catalog object to delete (Square DeleteCatalogObject): deleting an item deletes its variations too.',
  fields: (t) => ({
    id: t.id({ required: true, description: 'The object to delete: an item’s id, or the squareId of any catalog object.' }),
  }),
});

builder.mutationFields((t) => ({
  upsertCatalogItem: t.field({
    type: CatalogItemRef,
    authScopes: { ITEMS_WRITE: true },
    description: 'Creates or changes a catalog item with its variations (Square UpsertCatalogObject).',
    errors: mutationErrors('upsertCatalogItem', [ValidationError, NotFoundError, ConflictError], {
      name: 'item',
      description: 'The item as Square now holds it, with its variations.',
    }),
    args: { input: t.arg({ type: UpsertCatalogItemInput, required: true, description: 'The item and its variations.' }) },
    resolve: async (_root, { input }, ctx) => {
      validateInput(z.object({ idempotencyKey: idempotencyKey(KEY_MAX) }), input);
      if (input.variations.length === 0) throw new ValidationError('An item needs at least one variation.', 'input.variations', 'INVALID_VALUE');
      const id = input.id ? idInput(input.id, 'CatalogItem', 'input.id') : '#item';
      const object: Square.CatalogObject = {
        type: 'ITEM',
        id,
        ...(input.version != null ? { version: input.version } : {}),
        itemData: {
          name: input.name,
          ...(input.description ? { description: input.description } : {}),
          ...(input.categoryId ? { categories: [{ id: String(input.categoryId) }] } : {}),
          variations: input.variations.map((v, i) => ({
            type: 'ITEM_VARIATION' as const,
            id: v.squareId ? String(v.squareId) : `#variation-${i}`,
            itemVariationData: {
              itemId: id,
              name: v.name,
              ordinal: i,
              ...(v.price ? { priceMoney: v.price, pricingType: 'FIXED_PRICING' as const } : { pricingType: 'VARIABLE_PRICING' as const }),
              ...(v.sku ? { sku: v.sku } : {}),
              ...(v.trackInventory != null ? { trackInventory: v.trackInventory } : {}),
            },
          })),
        },
      };
      const { catalogObject } = await squareWrite(ctx, {
        send: () => ctx.square.catalog.object.upsert({ idempotencyKey: input.idempotencyKey, object }),
        settle: 'resend',
        fields: { object: 'input', 'object.version': 'input.version' },
        stale: () => staleAfter.catalog(),
      });
      ctx.loaders.catalogObject.clearAll();
      return catalogObject!;
    },
  }),
  deleteCatalogObject: t.field({
    type: ['ID'],
    authScopes: { ITEMS_WRITE: true },
    description: 'Deletes a catalog object and what depends on it, such as an item’s variations (Square DeleteCatalogObject).',
    errors: mutationErrors('deleteCatalogObject', [ValidationError, NotFoundError], {
      name: 'deletedIds',
      description: 'The squareIds of every object deleted: the one named, then what went with it.',
    }),
    args: { input: t.arg({ type: DeleteCatalogObjectInput, required: true, description: 'Which object.' }) },
    resolve: async (_root, { input }, ctx) => {
      const objectId = idInput(input.id, 'CatalogItem', 'input.id');
      const { deletedObjectIds } = await squareWrite(ctx, {
        send: () => ctx.square.catalog.object.delete({ objectId }),
        // Sent again after it took effect, the delete would find nothing: gone is the outcome asked for,
        // though which dependants went with it is then unknown.
        settle: async () => ((await ctx.loaders.currentCatalogObject(objectId)) ? undefined : { deletedObjectIds: [objectId] }),
        fields: { object_id: 'input.id' },
        stale: () => staleAfter.catalog(),
      });
      ctx.loaders.catalogObject.clearAll();
      // Square lists the dependants first; the object named leads here.
      return [objectId, ...(deletedObjectIds ?? []).filter((id) => id !== objectId)];
    },
  }),
}));
