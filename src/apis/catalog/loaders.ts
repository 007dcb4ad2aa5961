import DataLoader from 'dataloader';
import type { Square } from 'square';
import { squareFailure } from '../../square/errors.js';
import type { ReadKit } from '../../square/loaders.js';
import { chunk } from '../../square/paging.js';
import { cached } from './events.js';

/** Square's batch sizes for the catalog. */
const LIMITS = {
  batchRetrieveCatalogObjects: 1000,
  searchCatalogItemsPage: 100,
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

/**
 * The catalog reads of one request: objects by id through BatchRetrieveCatalogObjects and
 * pages of SearchCatalogItems, batched to Square's limits and kept across requests in the
 * `catalog` family, which Square's catalog.version.updated drops.
 */
export function catalogLoaders({ square, cache, callSquare, current }: ReadKit) {
  /** Any catalog object by id, with whatever BatchRetrieve returns as related primed beside it. */
  const catalogObject: DataLoader<string, Square.CatalogObject | null> = new DataLoader(async (all) =>
    cache.many<Square.CatalogObject>(all.map((id) => ({ object: cached.catalog, field: `object:${id}` })), async (missing) => {
      const ids = missing.map((i) => all[i]!);
      const found = new Map<string, Square.CatalogObject | Error>();
      const related: Square.CatalogObject[] = [];
      await Promise.all(
        chunk(ids, LIMITS.batchRetrieveCatalogObjects).map(async (batch) => {
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
    const request = { ...search, cursor, limit: Math.min(limit, LIMITS.searchCatalogItemsPage) };
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

  return {
    catalogObject,
    catalogItemPage,
    /** A catalog object as Square holds it now, never from the cache: what a write checks its outcome against. */
    currentCatalogObject: (objectId: string) => current(async () => (await square.catalog.object.get({ objectId })).object),
  };
}
