import DataLoader from 'dataloader';
import type { Square, SquareClient } from 'square';
import { isNotFound, squareFailure } from './errors.js';
import { UNCACHED, type Answer, type CachedRead, type SellerCache } from './cache.js';
import { collectPages } from './paging.js';
import type { SquareReader } from './reader.js';

export interface LoaderDeps {
  square: SquareClient;
  /** The same seller's client for calls whose answers lead to more calls: the seller's budget lets them go first. */
  first: SquareClient;
  /** The hot reads over `square`'s and `first`'s transports (reader.ts). */
  reader: SquareReader;
  firstReader: SquareReader;
  /** The seller's locations, cached per token across requests. */
  locations: () => Promise<Square.Location[]>;
  /** Old ids of profiles merged into each customer, whose orders Square no longer finds under the new id. */
  lineages: (customerIds: readonly string[]) => Promise<Map<string, string[]>>;
  /** The profile a merged-away customer lives on as; undefined when it was never merged away. */
  mergedInto: (customerId: string) => Promise<string | undefined>;
  /** Square's answers kept across requests for this token; none by default. */
  cache?: SellerCache | undefined;
}

/**
 * What every Square API's loaders are built from: the request's clients and cache, and the
 * ways of reading through them that the cache, cost and budget rules hold for.
 */
export interface ReadKit {
  square: SquareClient;
  /** For calls whose answers lead to more calls (see LoaderDeps). */
  first: SquareClient;
  /** The hot reads over `square`'s and `first`'s transports (reader.ts). */
  reader: SquareReader;
  firstReader: SquareReader;
  cache: SellerCache;
  locations: () => Promise<Square.Location[]>;
  /** The webhook store's merge records for every customer of the request, in one query. */
  mergedFrom: DataLoader<string, string[]>;
  mergedInto: (customerId: string) => Promise<string | undefined>;
  /** One Square call made by a resolver; its failure as a GraphQL error. */
  callSquare: <T>(fn: () => Promise<T>) => Promise<T>;
  /** One cached read per key, each missing one answered by `load`. */
  cachedEach: <T>(keys: readonly string[], read: (key: string) => CachedRead, load: (key: string) => Promise<Answer<T>>) => Promise<Array<Answer<T>>>;
  /** A per-id Retrieve for objects Square cannot fetch in bulk; 404 is `null`. Kept across requests under `object`, if given. */
  retrieveEach: <T>(object: ((id: string) => string) | undefined, get: (id: string) => Promise<T | undefined>) => DataLoader<string, T | null>;
  /** One seller-wide read, kept across requests under `object` and shared by every field of the request. */
  sellerWide: <T>(object: string, read: () => Promise<T>) => () => Promise<T>;
  /** One read kept across requests at `at` (a page: its object, and the request that names it as its field); Square's failure thrown. */
  cachedPage: <T>(at: CachedRead, read: () => Promise<T>) => Promise<T>;
  /**
   * A read of what Square holds now, never from the cache, 404 as undefined: what a write
   * checks its outcome against. Square's failure is thrown as the SDK raised it, for the
   * write to judge.
   */
  current: <T>(read: () => Promise<T | undefined>) => Promise<T | undefined>;
  /** Every page of one of Square's SDK lists. */
  everyPage: <T>(list: (cursor: string | undefined) => Promise<{ data: T[]; response: { cursor?: string | undefined } }>) => Promise<T[]>;
}

/**
 * The loaders of one request, each Square API's merged in by declaration from its folder
 * (`declare module '../../square/loaders.js' { interface Loaders extends … }`), beside the two
 * every API shares.
 */
export interface Loaders {
  /** The seller's locations (ListLocations), cached per token across requests. */
  locations: () => Promise<Square.Location[]>;
  /** The webhook store's merge records per customer. */
  mergedFrom: DataLoader<string, string[]>;
  /** Runs any other Square call of this request, failures as GraphQL errors. */
  call: <T>(fn: () => Promise<T>) => Promise<T>;
}

/** One Square API's loaders, made from the request's kit. */
export type LoaderFactory = (kit: ReadKit) => object;

/**
 * Every Square read of one request goes through these loaders: calls for the same
 * kind of object made in one tick are batched into Square's bulk endpoints where
 * Square has them, deduplicated where it does not, and each result primes the
 * loaders of the objects it carries. Built per request and per token, so nothing
 * read for one seller can reach another. Square objects and lists (never GraphQL
 * results: scopes are checked on every field) come from the cross-request cache when
 * it holds them; what makes them stale is each API's events.ts.
 */
export function loadersOf(factories: readonly LoaderFactory[]) {
  return ({ square, first, reader, firstReader, locations, lineages, mergedInto, cache = UNCACHED }: LoaderDeps): Loaders => {
    const callSquare = async <T>(fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } catch (error) {
        throw squareFailure(error);
      }
    };

    const cachedEach = <T>(keys: readonly string[], read: (key: string) => CachedRead, load: (key: string) => Promise<Answer<T>>) =>
      cache.many<T>(keys.map(read), (missing) => Promise.all(missing.map((i) => load(keys[i]!))));

    const retrieveEach = <T>(object: ((id: string) => string) | undefined, get: (id: string) => Promise<T | undefined>) => {
      const retrieve = async (id: string): Promise<Answer<T>> => {
        try {
          return (await get(id)) ?? null;
        } catch (error) {
          return isNotFound(error) ? null : squareFailure(error);
        }
      };
      return new DataLoader<string, T | null>(async (ids) =>
        object ? cachedEach<T>(ids, (id) => ({ object: object(id) }), retrieve) : Promise.all(ids.map(retrieve)),
      );
    };

    const sellerWide = <T>(object: string, read: () => Promise<T>) => {
      let pending: Promise<T> | undefined;
      return () => (pending ??= cachedPage({ object }, read));
    };

    const cachedPage = async <T>(at: CachedRead, read: () => Promise<T>): Promise<T> => {
      const [answer] = await cache.many<T>([at], async () => {
        try {
          return [await read()];
        } catch (error) {
          return [squareFailure(error)];
        }
      });
      if (answer instanceof Error) throw answer;
      return answer as T;
    };

    const everyPage = <T>(list: (cursor: string | undefined) => Promise<{ data: T[]; response: { cursor?: string | undefined } }>) =>
      collectPages(async (cursor) => {
        const page = await list(cursor);
        return { items: page.data, cursor: page.response.cursor };
      });

    const current = async <T>(read: () => Promise<T | undefined>): Promise<T | undefined> => {
      try {
        return await read();
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    };

    const mergedFrom = new DataLoader<string, string[]>(async (customerIds) => {
      const found = await lineages(customerIds);
      return customerIds.map((id) => found.get(id) ?? []);
    });

    const kit: ReadKit = { square, first, reader, firstReader, cache, locations, mergedFrom, mergedInto, callSquare, cachedEach, retrieveEach, sellerWide, cachedPage, current, everyPage };
    const shared = { locations, mergedFrom, call: callSquare };
    return Object.assign(shared, ...factories.map((make) => make(kit))) as Loaders;
  };
}
