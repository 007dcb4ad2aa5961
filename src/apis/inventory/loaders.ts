import DataLoader from 'dataloader';
import type { Square } from 'square';
import type { Answer } from '../../square/cache.js';
import { squareFailure } from '../../square/errors.js';
import type { ReadKit } from '../../square/loaders.js';
import { chunk, collectPages } from '../../square/paging.js';
import { cached } from './events.js';

/** Variation ids per BatchRetrieveInventoryCounts; its pages hold up to 1,000 counts. */
const LIMITS = { inventoryCountIds: 1000, inventoryCountsPage: 1000 } as const;

/**
 * Stock of one request through BatchRetrieveInventoryCounts, batched to Square's limits and
 * kept across requests in the `inventory` family, which Square's inventory.count.updated drops.
 */
export function inventoryLoaders({ square, first, cache }: ReadKit) {
  /** Counts per state of `variationId\nlocationId`, one BatchRetrieveInventoryCounts per location for all its variations. */
  const inventoryCounts = new DataLoader<string, Square.InventoryCount[]>(async (keys) => {
    const answers = await cache.many<Square.InventoryCount[]>(keys.map((key) => ({ object: cached.inventory, field: key })), async (missing) => {
      const wanted = missing.map((i) => keys[i]!.split('\n') as [string, string]);
      const byLocation = new Map<string, string[]>();
      for (const [variationId, locationId] of wanted) byLocation.set(locationId, [...(byLocation.get(locationId) ?? []), variationId]);
      const found = new Map<string, Answer<Square.InventoryCount[]>>(missing.map((i) => [keys[i]!, []]));
      await Promise.all(
        [...byLocation].flatMap(([locationId, variationIds]) =>
          chunk(variationIds, LIMITS.inventoryCountIds).map(async (batch) => {
            try {
              const counts = await collectPages(async (cursor) => {
                const page = await first.inventory.batchGetCounts({ catalogObjectIds: batch, locationIds: [locationId], cursor, limit: LIMITS.inventoryCountsPage });
                return { items: page.data, cursor: page.response.cursor };
              });
              for (const count of counts) (found.get(`${count.catalogObjectId}\n${locationId}`) as Square.InventoryCount[]).push(count);
            } catch (error) {
              for (const id of batch) found.set(`${id}\n${locationId}`, squareFailure(error));
            }
          }),
        ),
      );
      return missing.map((i) => found.get(keys[i]!)!);
    });
    return answers.map((a) => a ?? []);
  });

  return {
    /** A variation's counts per state at one location; empty when Square keeps none. */
    inventoryAt: (variationId: string, locationId: string) => inventoryCounts.load(`${variationId}\n${locationId}`),
    /** The adjustments (ADJUSTMENT changes) of variations at locations as Square holds them now, never from the cache, read a page at a time. */
    adjustments: async function* (where: { catalogObjectIds: string[]; locationIds: string[] }) {
      for await (const { adjustment } of await square.inventory.batchGetChanges({ ...where, types: ['ADJUSTMENT'] })) if (adjustment) yield adjustment;
    },
    /** Counts in these states as Square holds them now, never from the cache. */
    currentCounts: async (where: { catalogObjectIds: string[]; locationIds: string[]; states: Square.InventoryState[] }) => {
      const counts: Square.InventoryCount[] = [];
      for await (const count of await square.inventory.batchGetCounts(where)) counts.push(count);
      return counts;
    },
  };
}
