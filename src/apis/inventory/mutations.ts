import type { Square } from 'square';
import type { GatewayContext } from '../../context/gateway-context.js';
import { z } from 'zod';
import { builder } from '../../schema/builder.js';
import { ConflictError, NotFoundError, ValidationError } from '../../schema/errors.js';
import { InventoryCountRef } from './refs.js';
import { idempotencyKey, mutationErrors, squareWrite, validateInput } from '../../schema/write.js';
import { staleAfter } from './events.js';

/** Square's idempotency keys for inventory changes: 1 to 128 characters. */
const KEY_MAX = 128;

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
  for await (const adjustment of ctx.loaders.adjustments(where)) {
    const same =
      adjustment.referenceId === change.referenceId &&
      adjustment.fromState === change.fromState &&
      adjustment.toState === change.toState &&
      Number(adjustment.quantity) === Number(change.quantity);
    if (!same) continue;
    return { counts: await ctx.loaders.currentCounts({ ...where, states: [change.fromState!, change.toState!] }) };
  }
  return undefined;
}

builder.mutationFields((t) => ({
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
