import type { Square } from 'square';
import type { GatewayContext } from '../../context/gateway-context.js';
import { z } from 'zod';
import { staleAfter } from '../../square/staleness.js';
import { builder } from '../builder.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { MoneyInput } from '../money.js';
import { CatalogItemRef, InventoryCountRef } from '../refs.js';
import { idInput, idempotencyKey, mutationErrors, squareWrite, unlessNotFound, validateInput } from './write.js';

/** Square's idempotency keys for catalog upserts and inventory changes: 1 to 128 characters. */
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

const AdjustInventoryInput = builder.inputType('AdjustInventoryInput', {
  description: 'Moves a quantity of a variation between two states at a location (Square BatchChangeInventory, one ADJUSTMENT).',
  fields: (t) => ({
    idempotencyKey: t.string({ required: true, description: 'Your key for this change (1–128 characters): a retry with it never moves stock twice.' }),
    variationId: t.id({ required: true, description: 'The squareId of the item variation.' }),
    locationId: t.id({ required: true, description: 'The squareId of the location.' }),
    fromState: t.string({ required: true, description: 'Where the quantity comes from, e.g. NONE (received stock) or IN_STOCK.' }),
    toState: t.string({ required: true, description: 'Where it goes, e.g. IN_STOCK, WASTE or SOLD.' }),
    quantity: t.string({ required: true, description: 'A positive decimal number as a string, e.g. "3" or "0.5".' }),
  }),
});

const adjustment = z.object({
  idempotencyKey: idempotencyKey(KEY_MAX),
  quantity: z.string().regex(/^\d+(\.\d{1,5})?$/, 'quantity is a decimal number such as "3" or "0.5"'),
});

/**
 * The counts as they now stand when an earlier request under this change's key (its
 * reference) made this same adjustment; undefined when the key made another change.
 */
async function earlierAdjustment(ctx: GatewayContext, change: Square.InventoryAdjustment): Promise<{ counts: Square.InventoryCount[] } | undefined> {
  const where = { catalogObjectIds: [change.catalogObjectId!], locationIds: [change.fromLocationId!] };
  for await (const { adjustment } of await ctx.square.inventory.batchGetChanges({ ...where, types: ['ADJUSTMENT'] })) {
    const same =
      adjustment !== undefined &&
      adjustment.referenceId === change.referenceId &&
      adjustment.fromState === change.fromState &&
      adjustment.toState === change.toState &&
      Number(adjustment.quantity) === Number(change.quantity);
    if (!same) continue;
    const counts: Square.InventoryCount[] = [];
    for await (const count of await ctx.square.inventory.batchGetCounts({ ...where, states: [change.fromState!, change.toState!] })) counts.push(count);
    return { counts };
  }
  return undefined;
}

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
        settle: async () => ((await unlessNotFound(ctx.square.catalog.object.get({ objectId }))) ? undefined : { deletedObjectIds: [objectId] }),
        fields: { object_id: 'input.id' },
        stale: () => staleAfter.catalog(),
      });
      ctx.loaders.catalogObject.clearAll();
      // Square lists the dependants first; the object named leads here.
      return [objectId, ...(deletedObjectIds ?? []).filter((id) => id !== objectId)];
    },
  }),
  adjustInventory: t.field({
    type: [InventoryCountRef],
    authScopes: { INVENTORY_WRITE: true },
    description: 'Moves stock of a variation between states at a location, e.g. NONE → IN_STOCK for a delivery, IN_STOCK → WASTE for breakage.',
    errors: mutationErrors('adjustInventory', [ValidationError, NotFoundError, ConflictError], {
      name: 'counts',
      description: 'The counts the adjustment changed, as they now stand.',
    }),
    args: { input: t.arg({ type: AdjustInventoryInput, required: true, description: 'The variation, location, states and quantity.' }) },
    resolve: async (_root, { input }, ctx) => {
      validateInput(adjustment, input);
      const locationId = String(input.locationId);
      // Made once, before the first attempt: every resend must be the same request, or Square refuses it as
      // IDEMPOTENCY_KEY_REUSED. The key goes along as the change's reference, so that a caller's later retry,
      // which carries a later occurredAt, can still find the change its first request made.
      const change: Square.InventoryAdjustment = {
        referenceId: input.idempotencyKey,
        catalogObjectId: String(input.variationId),
        fromState: input.fromState as Square.InventoryState,
        toState: input.toState as Square.InventoryState,
        fromLocationId: locationId,
        toLocationId: locationId,
        quantity: input.quantity,
        occurredAt: new Date().toISOString(),
      };
      const { counts } = await squareWrite(ctx, {
        send: () => ctx.square.inventory.batchCreateChanges({ idempotencyKey: input.idempotencyKey, changes: [{ type: 'ADJUSTMENT', adjustment: change }] }),
        settle: 'resend',
        earlier: () => earlierAdjustment(ctx, change),
        fields: { 'changes[0].adjustment.catalog_object_id': 'input.variationId', 'changes[0].adjustment.location_id': 'input.locationId' },
        stale: () => staleAfter.inventory(),
      });
      return counts ?? [];
    },
  }),
}));
