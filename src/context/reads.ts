import type { SquareClient } from 'square';
import { UNCACHED, type SquareCache } from '../square/cache.js';
import { LocationsCache } from '../square/locations-cache.js';
import type { LoaderDeps, Loaders } from '../square/loaders.js';
import type { SellerSession } from './seller-session.js';

export interface ReadsOptions {
  /** Square reads kept across requests; absent, every read goes to Square. */
  cache?: SquareCache | undefined;
  /** Makes one request's loaders: handed in by the server, so that the context depends on no API's loader module. */
  createLoaders: (deps: LoaderDeps) => Loaders;
}

/** The seller's client and the loaders over it, which every read of the schema goes through. */
export interface Reads {
  square: SquareClient;
  loaders: Loaders;
}

export interface SellerReads {
  /** Loaders on clients with a deadline of their own, sharing the seller's cached reads. */
  fresh(): Reads;
  /** Drops the seller's cached reads a write made stale (as each API's events.ts names them), its locations among them. */
  invalidate(objects: readonly string[]): Promise<void>;
}

/** A request's reads of its seller's Square: loaders over the cross-request cache, and what a write makes stale there. */
export function sellerReads(session: SellerSession, { cache, createLoaders, locationsCache }: ReadsOptions & { locationsCache: LocationsCache }): SellerReads {
  const sellerCache = cache?.forSeller(session.merchantId, session.partition) ?? UNCACHED;
  const { locations, lineage } = session;
  return {
    fresh: () => {
      const { square, first, reader, firstReader } = session.clients();
      return { square, loaders: createLoaders({ square, first, reader, firstReader, locations, lineages: lineage.mergedFrom, mergedInto: lineage.mergedInto, cache: sellerCache }) };
    },
    invalidate: async (objects) => {
      // Without a cache, only a change of the location list has anything to drop: no merchant id is needed otherwise.
      if (!cache && !objects.includes(LocationsCache.OBJECT)) return;
      const merchantId = await session.merchantId();
      locationsCache.invalidate(merchantId, objects);
      await cache?.invalidate(merchantId, objects);
    },
  };
}
