import DataLoader from 'dataloader';
import type { Square, SquareClient } from 'square';
import type { Answer, SellerCache } from '../../square/cache.js';
import { squareFailure } from '../../square/errors.js';
import { chunk, collectPages } from '../../square/paging.js';
import { cached } from '../../square/staleness.js';

/** Square's batch sizes for the catalog family. */
export const CATALOG_LIMITS = {
  batchRetrieveCatalogObjects: 1000,
  searchCatalogItemsPage: 100,
  /** Variation ids per BatchRetrieveInventoryCounts; its pages hold up to 1,000 counts. */
  inventoryCountIds: 1000,
  inventoryCountsPage: 1000,
} as const;

export interface CatalogItemSearch {
  textFilter?: string | undefined;
  categoryIds?: string[] | undefined;
  enabledLocationIds?: string[] | undefined;
}

export interface CatalogItemPage {
  items: Square.CatalogObject[];
  cursor?: string | undefined;
}

interface Deps {
  square: SquareClient;
  /** For calls whose answers lead to more calls (loaders.ts). */
  first: SquareClient;
  callSquare: <T>(fn: () => Promise<T>) => Promise<T>;
  cache: SellerCache;
}

/**
 * The catalog and inventory reads of one request (part of src/square/loaders.ts):
 * objects by id through BatchRetrieveCatalogObjects, pages of SearchCatalogItems, and
 * stock through BatchRetrieveInventoryCounts, each batched to Square's limits and kept
 * across requests in the `catalog` and `inventory` families, which Square's
 * catalog.version.updated and inventory.count.updated events drop.
 */
export function createCatalogLoaders({ square, first, callSquare, cache }: Deps) {
  /** Any catalog object by id, with whatever BatchRetrieve returns as related primed beside it. */
  const catalogObject: DataLoader<string, Square.CatalogObject | null> = new DataLoader(async (all) =>
    cache.many<Square.CatalogObject>(all.map((id) => ({ object: cached.catalog, field: `object:${id}` })), async (missing) => {
      const ids = missing.map((i) => all[i]!);
      const found = new Map<string, Square.CatalogObject | Error>();
      const related: Square.CatalogObject[] = [];
      await Promise.all(
        chunk(ids, CATALOG_LIMITS.batchRetrieveCatalogObjects).map(async (batch) => {
          try {
            const answer = await square.catalog.batchGet({ objectIds: batch, includeRelatedObjects: true });
            for (const o of answer.objects ?? []) found.set(o.id!, o);
            related.push(...(answer.relatedObjects ?? []));
          } catch (error) {
            for (const id of batch) found.set(id, squareFailure(error));
          }
        }),
      );
      for (const o of related) if (o.id && !found.has(o.id)) catalogObject.prime(o.id, o);
      return ids.map((id) => found.get(id) ?? null);
    }),
  );

  /** Makes the variations nested in items loadable by id without another call. */
  const primeItems = (items: Square.CatalogObject[]) => {
    for (const item of items) {
      if (item.id) catalogObject.prime(item.id, item);
      if (item.type === 'ITEM') for (const v of item.itemData?.variations ?? []) if (v.id) catalogObject.prime(v.id, v);
    }
  };

  /** One page of SearchCatalogItems, sorted by name. */
  const catalogItemPage = async (search: CatalogItemSearch, cursor: string | undefined, limit: number): Promise<CatalogItemPage> => {
    const request = { ...search, cursor, limit: Math.min(limit, CATALOG_LIMITS.searchCatalogItemsPage) };
    const [page] = await cache.many<CatalogItemPage>([{ object: cached.catalog, field: `items:${JSON.stringify(request)}` }], async () => {
      try {
        const answer = await callSquare(() => square.catalog.searchItems(request));
        return [{ items: answer.items ?? [], cursor: answer.cursor }];
      } catch (error) {
        return [error as Error];
      }
    });
    if (page instanceof Error) throw page;
    primeItems(page!.items);
    return page!;
  };

  /** Counts per state of `variationId\nlocationId`, one BatchRetrieveInventoryCounts per location for all its variations. */
  const inventoryCounts = new DataLoader<string, Square.InventoryCount[]>(async (keys) => {
    const answers = await cache.many<Square.InventoryCount[]>(keys.map((key) => ({ object: cached.inventory, field: key })), async (missing) => {
      const wanted = missing.map((i) => keys[i]!.split('\n') as [string, string]);
      const byLocation = new Map<string, string[]>();
      for (const [variationId, locationId] of wanted) byLocation.set(locationId, [...(byLocation.get(locationId) ?? []), variationId]);
      const found = new Map<string, Answer<Square.InventoryCount[]>>(missing.map((i) => [keys[i]!, []]));
      await Promise.all(
        [...byLocation].flatMap(([locationId, variationIds]) =>
          chunk(variationIds, CATALOG_LIMITS.inventoryCountIds).map(async (batch) => {
            try {
              const counts = await collectPages(async (cursor) => {
                const page = await first.inventory.batchGetCounts({ catalogObjectIds: batch, locationIds: [locationId], cursor, limit: CATALOG_LIMITS.inventoryCountsPage });
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
    catalogObject,
    catalogItemPage,
    /** A variation's counts per state at one location; empty when Square keeps none. */
    inventoryAt: (variationId: string, locationId: string) => inventoryCounts.load(`${variationId}\n${locationId}`),
  };
}
