import type { CacheStore, Lookup } from './cache-store.js';
import type { CacheObserver } from './observer.js';

/** The kind of a cached object, without its id: `customer:<id>` is a `customer`. */
function kindOf(object: string): string {
  const colon = object.indexOf(':');
  return colon === -1 ? object : object.slice(0, colon);
}

/** One cached read: an object named in an API's events.ts (`cached`), and which of its entries (a list's customer, a page's arguments). */
export interface CachedRead {
  object: string;
  field?: string;
}

/** A Square answer: the object or list, null when Square has none, or the failure. Only the first kind is kept. */
export type Answer<T> = T | null | Error;

/**
 * The cache as one request of one seller token sees it. `many` answers each read from
 * the cache, or from one `load` of all the misses (given by index), which then fills
 * the cache; reads that miss at the same time, in this request or any other of the
 * token, share one Square call (so that every subscriber to one event reads once).
 */
export interface SellerCache {
  many<T>(reads: readonly CachedRead[], load: (missing: number[]) => Promise<Array<Answer<T>>>): Promise<Array<Answer<T>>>;
}

/** No cache (CACHE_TTL_MS=0, or a seller it cannot key): every read goes to Square. */
export const UNCACHED: SellerCache = {
  many: (reads, load) => load(reads.map((_read, i) => i)),
};

/**
 * Square reads shared across requests (and, over Redis, instances), per seller. Entries
 * are keyed by Square's merchant id (what webhooks name) and a hash of the token that
 * read them (so that no token reads what another token was allowed to read), and
 * dropped by `invalidate` when an API's events.ts says a change made them stale.
 */
export class SquareCache {
  /** Reads under way: `${merchant}\n${object}` → entry → version seen → the shared answer. */
  private readonly flights = new Map<string, Map<string, Promise<Answer<unknown>>>>();

  constructor(
    private readonly store: CacheStore,
    private readonly observer?: CacheObserver,
  ) {}

  /**
   * The cache for one token, or one connected seller's connection (`partition`, a hash: see src/context/seller-link.ts);
   * `merchantId` names its seller (when it cannot be learned, reads are not cached).
   */
  forSeller(merchantId: () => Promise<string>, partition: string): SellerCache {
    return {
      many: async <T>(reads: readonly CachedRead[], load: (missing: number[]) => Promise<Array<Answer<T>>>) => {
        let merchant: string;
        try {
          merchant = await merchantId();
        } catch {
          return UNCACHED.many(reads, load);
        }
        return this.many(merchant, partition, reads, load);
      },
    };
  }

  /** Drops what a change of the seller's objects made stale, here and in the shared store, and forgets reads begun before it. */
  async invalidate(merchantId: string, objects: readonly string[]): Promise<void> {
    for (const object of objects) this.flights.delete(`${merchantId}\n${object}`);
    await this.store.invalidate(objects.map((object) => `${merchantId}:${object}`));
  }

  /** Forgets everything, for when Square's data was replaced wholesale (the demo emulator's reset). */
  clear(): Promise<void> {
    this.flights.clear();
    return this.store.clear();
  }

  close(): Promise<void> {
    return this.store.close();
  }

  private async many<T>(
    merchant: string,
    tokenKey: string,
    reads: readonly CachedRead[],
    load: (missing: number[]) => Promise<Array<Answer<T>>>,
  ): Promise<Array<Answer<T>>> {
    const answers = new Array<Answer<T> | Promise<Answer<T>>>(reads.length);
    const missing: number[] = [];
    const settle: Array<(answer: Answer<T>) => void> = [];
    let lookups: Lookup[];
    try {
      lookups = await Promise.all(reads.map((read) => this.store.lookup(`${merchant}:${read.object}`, `${tokenKey}:${read.field ?? ''}`)));
    } catch {
      // The shared store cannot be reached: Square answers meanwhile.
      return UNCACHED.many(reads, load);
    }
    // Counted per kind once the batch is looked up: a page's lookups are many, and of few kinds.
    const counts = new Map<string, number>();
    const count = (kind: string, result: 'hit' | 'shared' | 'miss') => {
      const key = `${kind}\n${result}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    };
    let waiting = false;
    lookups.forEach((lookup, i) => {
      const kind = kindOf(reads[i]!.object);
      if (lookup.hit) {
        count(kind, 'hit');
        answers[i] = lookup.value as T;
        return;
      }
      waiting = true;
      const object = `${merchant}\n${reads[i]!.object}`;
      const entry = `${tokenKey}:${reads[i]!.field ?? ''}\n${lookup.version}`;
      const flights = this.flights.get(object) ?? new Map<string, Promise<Answer<unknown>>>();
      const shared = flights.get(entry) as Promise<Answer<T>> | undefined;
      count(kind, shared ? 'shared' : 'miss');
      if (shared) {
        void lookup.fill(undefined);
        // Another request's read failing (its deadline, its client gone) is not this one's answer.
        answers[i] = shared.then((answer) => (answer instanceof Error ? this.loadOne(load, i) : answer));
        return;
      }
      let resolve!: (answer: Answer<T>) => void;
      const flight = new Promise<Answer<T>>((r) => (resolve = r));
      this.flights.set(object, flights.set(entry, flight));
      answers[i] = flight;
      missing.push(i);
      settle.push((answer) => {
        if (flights.get(entry) === flight) flights.delete(entry);
        if (flights.size === 0 && this.flights.get(object) === flights) this.flights.delete(object);
        resolve(answer);
        void lookup.fill(answer === null || answer instanceof Error ? undefined : answer).catch(() => {});
      });
    });
    if (this.observer) {
      for (const [key, n] of counts) {
        const [kind, result] = key.split('\n') as [string, 'hit' | 'shared' | 'miss'];
        this.observer.looked(kind, result, n);
      }
    }
    if (missing.length > 0) {
      let loaded: Array<Answer<T>>;
      try {
        loaded = await load(missing);
      } catch (error) {
        loaded = missing.map(() => (error instanceof Error ? error : new Error(String(error))));
      }
      settle.forEach((done, j) => done(loaded[j] ?? null));
    }
    // Every read a hit: the answers are at hand, with no promise to wait for.
    return waiting ? Promise.all(answers) : (answers as Array<Answer<T>>);
  }

  private async loadOne<T>(load: (missing: number[]) => Promise<Array<Answer<T>>>, index: number): Promise<Answer<T>> {
    try {
      return (await load([index]))[0] ?? null;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }
}
