import { serialization } from 'square';
import { idIn, on } from '../api.js';

export const cached = {
  /** Every variation's counts at every location. */
  inventory: 'inventory',
} as const;

export const staleAfter = {
  inventory: () => [cached.inventory],
};

export const events = {
  // The event carries counts, not one object: subscribers read the counts of the pairs they watch.
  'inventory.count.updated': on(serialization.InventoryCountUpdatedEvent, (event) => {
    const counts = event.data?.object?.inventoryCounts;
    const pairs = (Array.isArray(counts) ? counts : []).map((c) => ({ variationId: idIn(c?.catalogObjectId), locationId: idIn(c?.locationId) }));
    const objectId = pairs[0]?.variationId;
    const counted = pairs.filter((c): c is { variationId: string; locationId: string } => c.variationId !== undefined && c.locationId !== undefined);
    return { stale: staleAfter.inventory(), live: objectId ? { objectId, counted } : undefined };
  }),
};
