import DataLoader from 'dataloader';
import type { Square, SquareClient } from 'square';
import { fromSquareErrors, isNotFound, squareFailure } from './errors.js';
import { UNCACHED, type Answer, type CachedRead, type SellerCache } from './cache.js';
import { createCatalogLoaders } from '../apis/catalog/loaders.js';
import { cached } from './staleness.js';
import { chunk, collectPages } from './paging.js';
import { createCustomersFamilyLoaders } from './customers-family-loaders.js';

/** Square's documented batch sizes. */
export const LIMITS = {
  bulkRetrieveCustomers: 100,
  batchRetrieveOrders: 100,
  searchOrdersCustomerIds: 10,
  searchOrdersLocationIds: 10,
  searchOrdersPage: 1000,
  listGiftCardsPage: 200,
  searchLoyaltyAccountsCustomerIds: 30,
  searchLoyaltyAccountsPage: 200,
  searchLoyaltyEventsPage: 30,
} as const;

export interface LoaderDeps {
  square: SquareClient;
  /** The same seller's client for calls whose answers lead to more calls: the seller's budget lets them go first. */
  first: SquareClient;
  /** The seller's locations, cached per token across requests. */
  locations: () => Promise<Square.Location[]>;
  /** Old ids of profiles merged into each customer, whose orders Square no longer finds under the new id. */
  lineages: (customerIds: readonly string[]) => Promise<Map<string, string[]>>;
  /** The profile a merged-away customer lives on as; undefined when it was never merged away. */
  mergedInto: (customerId: string) => Promise<string | undefined>;
  /** Square's answers kept across requests for this token; none by default. */
  cache?: SellerCache | undefined;
}

export type Loaders = ReturnType<typeof createLoaders>;

/**
 * Every Square read of one request goes through these loaders: calls for the same
 * kind of object made in one tick are batched into Square's bulk endpoints where
 * Square has them, deduplicated where it does not, and each result primes the
 * loaders of the objects it carries. Built per request and per token, so nothing
 * read for one seller can reach another. Square objects and lists (never GraphQL
 * results: scopes are checked on every field) come from the cross-request cache when
 * it holds them; what makes them stale is src/square/staleness.ts.
 */
export function createLoaders({ square, first, locations, lineages, mergedInto, cache = UNCACHED }: LoaderDeps) {
  /** For resolvers' own Square calls: Square's failure as a GraphQL error. */
  const callSquare = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      throw squareFailure(error);
    }
  };

  /** One cached read per key, each missing one answered by `load`. */
  const cachedEach = <T>(keys: readonly string[], read: (key: string) => CachedRead, load: (key: string) => Promise<Answer<T>>) =>
    cache.many<T>(keys.map(read), (missing) => Promise.all(missing.map((i) => load(keys[i]!))));

  /** A per-id Retrieve for objects Square cannot fetch in bulk; 404 is `null`. Kept across requests under `object`, if given. */
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

  const customer = new DataLoader<string, Square.Customer | null>(
    async (all) =>
      cache.many<Square.Customer>(all.map((id) => ({ object: cached.customer(id) })), async (missing) => {
        const ids = missing.map((i) => all[i]!);
        const found = new Map<string, Square.Customer | Error>();
        await Promise.all(
          chunk(ids, LIMITS.bulkRetrieveCustomers).map(async (batch) => {
            try {
              const { responses } = await first.customers.bulkRetrieveCustomers({ customerIds: batch });
              for (const [id, result] of Object.entries(responses ?? {})) {
                if (result.customer) found.set(id, result.customer);
                else if (result.errors?.some((e) => e.code !== 'NOT_FOUND')) found.set(id, fromSquareErrors(undefined, result.errors));
              }
            } catch (error) {
              for (const id of batch) found.set(id, squareFailure(error));
            }
          }),
        );
        return ids.map((id) => found.get(id) ?? null);
      }),
    { maxBatchSize: LIMITS.bulkRetrieveCustomers * 10 },
  );

  /** Customers reached through the id of a profile since merged into them, and that old id. */
  const reachedThrough = new WeakMap<Square.Customer, string>();

  /**
   * The customer with this id; for a profile merged away, the profile it was merged
   * into (as learned from Square's customer.created webhooks), marked as reached
   * through the old id. Orders, payments and tenders keep naming the old profile
   * after a merge, so every customer reached from another object comes through here.
   */
  const customerOrSurvivor = new DataLoader<string, Square.Customer | null>(async (ids) =>
    Promise.all(
      ids.map(async (id) => {
        try {
          const found = await customer.load(id);
          if (found) return found;
          const survivorId = await mergedInto(id);
          const survivor = survivorId ? await customer.load(survivorId) : null;
          if (!survivor) return null;
          const copy = { ...survivor };
          reachedThrough.set(copy, id);
          return copy;
        } catch (error) {
          return squareFailure(error);
        }
      }),
    ),
  );

  const order = new DataLoader<string, Square.Order | null>(async (all) =>
    cache.many<Square.Order>(all.map((id) => ({ object: cached.order(id) })), async (missing) => {
      const ids = missing.map((i) => all[i]!);
      const found = new Map<string, Square.Order | Error>();
      await Promise.all(
        chunk(ids, LIMITS.batchRetrieveOrders).map(async (batch) => {
          try {
            const { orders } = await first.orders.batchGet({ orderIds: batch });
            for (const o of orders ?? []) if (o.id) found.set(o.id, o);
          } catch (error) {
            for (const id of batch) found.set(id, squareFailure(error));
          }
        }),
      );
      return ids.map((id) => found.get(id) ?? null);
    }),
  );

  /** The webhook store's merge records for every customer of the request, in one query. */
  const mergedFrom = new DataLoader<string, string[]>(async (customerIds) => {
    const found = await lineages(customerIds);
    return customerIds.map((id) => found.get(id) ?? []);
  });

  /**
   * A customer's orders, newest first: SearchOrders with up to 10 customer ids and
   * 10 locations per call, all pages, regrouped per customer. Square's customer
   * filter matches the order's customer_id and any tender's, so both count here.
   * A merged customer's orders stay under the merged-away ids, so every id of its
   * lineage is searched too (Square's own advice for merges).
   */
  const ordersByCustomer = new DataLoader<string, Square.Order[]>(async (customerIds) => {
    const lineage = await Promise.all(customerIds.map(async (id) => new Set([id, ...(await mergedFrom.load(id))])));
    const searchIds = [...new Set(lineage.flatMap((ids) => [...ids]))];
    const found = await cache.many<Square.Order[]>(
      searchIds.map((id) => ({ object: cached.ordersOfCustomers, field: id })),
      (missing) => searchOrders(missing.map((i) => searchIds[i]!)),
    );
    const byId = new Map(searchIds.map((id, i) => [id, found[i]!]));
    for (const orders of found) if (Array.isArray(orders)) for (const o of orders) if (o.id) order.prime(o.id, o);
    return lineage.map((ids) => {
      const answers = [...ids].map((id) => byId.get(id));
      const failure = answers.find((a) => a instanceof Error);
      if (failure) return failure;
      const orders = new Map(answers.flatMap((a) => (Array.isArray(a) ? a.map((o) => [o.id, o] as const) : [])));
      return [...orders.values()].sort((a, b) => compareDesc(a.createdAt, b.createdAt));
    });
  });

  /** The orders made under each of these exact customer ids (on the order or a tender), from SearchOrders. */
  const searchOrders = async (searchIds: string[]): Promise<Array<Answer<Square.Order[]>>> => {
    const owned = new Map<string, Map<string, Square.Order>>(searchIds.map((id) => [id, new Map()]));
    const failed = new Map<string, Error>();
    let locationIds: string[];
    try {
      locationIds = (await locations()).map((l) => l.id!).filter(Boolean);
    } catch (error) {
      return searchIds.map(() => squareFailure(error));
    }
    await Promise.all(
      chunk(searchIds, LIMITS.searchOrdersCustomerIds).flatMap((customers) =>
        chunk(locationIds, LIMITS.searchOrdersLocationIds).map(async (locs) => {
          try {
            const found = await collectPages(async (cursor) => {
              const page = await first.orders.search({
                locationIds: locs,
                cursor,
                limit: LIMITS.searchOrdersPage,
                query: {
                  filter: { customerFilter: { customerIds: customers } },
                  sort: { sortField: 'CREATED_AT', sortOrder: 'DESC' },
                },
              });
              return { items: page.orders ?? [], cursor: page.cursor };
            });
            for (const o of found) {
              const owners = new Set([o.customerId, ...(o.tenders ?? []).map((t) => t.customerId)]);
              for (const id of customers) if (owners.has(id)) owned.get(id)!.set(o.id!, o);
            }
          } catch (error) {
            for (const id of customers) failed.set(id, squareFailure(error));
          }
        }),
      ),
    );
    return searchIds.map((id) => failed.get(id) ?? [...owned.get(id)!.values()]);
  };

  const card = retrieveEach(cached.card, async (cardId) => (await square.cards.get({ cardId })).card);

  /** Every card of a customer, disabled ones included, so one ListCards serves both views. */
  const cardsByCustomer = new DataLoader<string, Square.Card[]>(async (customerIds) => {
    const found = await cachedEach<Square.Card[]>(
      customerIds,
      (customerId) => ({ object: cached.cardsOfCustomers, field: customerId }),
      async (customerId) => {
        try {
          return await collectPages(async (cursor) => {
            const page = await square.cards.list({ customerId, includeDisabled: true, cursor });
            return { items: page.data, cursor: page.response.cursor };
          });
        } catch (error) {
          return squareFailure(error);
        }
      },
    );
    for (const cards of found) if (Array.isArray(cards)) for (const c of cards) if (c.id) card.prime(c.id, c);
    return found.map((cards) => cards ?? []);
  });

  const giftCard = retrieveEach(cached.giftCard, async (id) => (await square.giftCards.get({ id })).giftCard);

  const giftCardsByCustomer = new DataLoader<string, Square.GiftCard[]>(async (customerIds) => {
    const found = await cachedEach<Square.GiftCard[]>(
      customerIds,
      (customerId) => ({ object: cached.giftCardsOfCustomers, field: customerId }),
      async (customerId) => {
        try {
          return await collectPages(async (cursor) => {
            const page = await square.giftCards.list({ customerId, cursor, limit: LIMITS.listGiftCardsPage });
            return { items: page.data, cursor: page.response.cursor };
          });
        } catch (error) {
          return squareFailure(error);
        }
      },
    );
    for (const giftCards of found) if (Array.isArray(giftCards)) for (const g of giftCards) if (g.id) giftCard.prime(g.id, g);
    return found.map((giftCards) => giftCards ?? []);
  });

  // Not kept across requests: changes name gift cards by id, which a GAN's lookup does not know beforehand.
  const giftCardByGan = retrieveEach(undefined, async (gan) => {
    const found = (await square.giftCards.getFromGan({ gan })).giftCard;
    if (found?.id) giftCard.prime(found.id, found);
    return found;
  });

  const payment = retrieveEach(cached.payment, async (paymentId) => (await square.payments.get({ paymentId })).payment);
  const refund = retrieveEach(cached.refund, async (refundId) => (await square.refunds.get({ refundId })).refund);

  const location = new DataLoader<string, Square.Location | null>(async (ids) => {
    try {
      const all = await locations();
      return ids.map((id) => all.find((l) => l.id === id) ?? null);
    } catch (error) {
      return ids.map(() => squareFailure(error));
    }
  });

  /**
   * A page of the seller's customers (ListCustomers, or SearchCustomers with a filter),
   * kept across requests until any customer changes; `request` names the page.
   */
  const customerPage = async (request: object, read: () => Promise<CustomerPage>): Promise<CustomerPage> => {
    const [page] = await cache.many<CustomerPage>([{ object: cached.customerPages, field: JSON.stringify(request) }], async () => {
      try {
        const { customers, cursor } = await callSquare(read);
        return [{ customers, cursor }];
      } catch (error) {
        return [error as Error];
      }
    });
    if (page instanceof Error) throw page;
    return page!;
  };

  const loyaltyAccount = retrieveEach(cached.loyaltyAccount, async (accountId) => (await square.loyalty.accounts.get({ accountId })).loyaltyAccount);

  /** The seller's program (Square's keyword `main`); a seller without one has none. */
  const loyaltyProgram = async (): Promise<Square.LoyaltyProgram | null> => {
    const [program] = await cachedEach<Square.LoyaltyProgram>(['main'], () => ({ object: cached.loyaltyProgram }), async () => {
      try {
        return (await square.loyalty.programs.get({ programId: 'main' })).program ?? null;
      } catch (error) {
        return isNotFound(error) ? null : squareFailure(error);
      }
    });
    if (program instanceof Error) throw program;
    return program ?? null;
  };

  /**
   * Each customer's loyalty account: SearchLoyaltyAccounts takes 30 customer ids a call.
   * Kept as `{ account }`, so that a customer without one is remembered too (most are).
   */
  const loyaltyAccountByCustomer = new DataLoader<string, Square.LoyaltyAccount | null>(async (customerIds) => {
    const found = await cache.many<{ account?: Square.LoyaltyAccount }>(
      customerIds.map((id) => ({ object: cached.loyaltyAccountsOfCustomers, field: id })),
      async (missing) => {
        const ids = missing.map((i) => customerIds[i]!);
        const byCustomer = new Map<string, Square.LoyaltyAccount>();
        const failed = new Map<string, Error>();
        await Promise.all(
          chunk(ids, LIMITS.searchLoyaltyAccountsCustomerIds).map(async (batch) => {
            try {
              const accounts = await collectPages(async (cursor) => {
                const page = await square.loyalty.accounts.search({ query: { customerIds: batch }, limit: LIMITS.searchLoyaltyAccountsPage, cursor });
                return { items: page.loyaltyAccounts ?? [], cursor: page.cursor };
              });
              for (const account of accounts) if (account.customerId) byCustomer.set(account.customerId, account);
            } catch (error) {
              for (const id of batch) failed.set(id, squareFailure(error));
            }
          }),
        );
        return ids.map((id) => failed.get(id) ?? { account: byCustomer.get(id) });
      },
    );
    return found.map((entry) => {
      if (entry instanceof Error) return entry;
      if (entry?.account?.id) loyaltyAccount.prime(entry.account.id, entry.account);
      return entry?.account ?? null;
    });
  });

  /** The id of the profile a customer id lives on as: its own, or, merged away, the surviving profile's. */
  const survivorId = async (customerId: string) => (await mergedInto(customerId)) ?? customerId;

  /**
   * The orders of these customers, with those of every profile merged into them (or,
   * for a merged-away id, into the profile it lives on as): Square's customer filter
   * knows only the id an order was made under. The loader behind Customer.orders, so
   * that every way of asking gives the same answer.
   */
  const ordersOfCustomers = async (customerIds: readonly string[]): Promise<Square.Order[]> => {
    const survivors = new Set(await Promise.all(customerIds.map(survivorId)));
    const orders = await Promise.all([...survivors].map((id) => ordersByCustomer.load(id)));
    return [...new Map(orders.flat().map((o) => [o.id, o])).values()];
  };

  return {
    customer,
    customerOrSurvivor,
    /** The merged-away id a customer from customerOrSurvivor was reached through; undefined when reached by its own. */
    reachedThrough: (c: Square.Customer) => reachedThrough.get(c),
    mergedFrom,
    ordersOfCustomers,
    customerPage,
    order,
    ordersByCustomer,
    card,
    cardsByCustomer,
    giftCard,
    giftCardByGan,
    giftCardsByCustomer,
    payment,
    refund,
    location,
    locations,
    loyaltyProgram,
    loyaltyAccount,
    loyaltyAccountByCustomer,
    ...createCustomersFamilyLoaders({ square, cache, retrieveEach }),
    ...createCatalogLoaders({ square, first, callSquare, cache }),
    /** Runs any other Square call of this request, failures as GraphQL errors. */
    call: callSquare,
  };
}

export interface CustomerPage {
  customers?: Square.Customer[] | undefined;
  cursor?: string | undefined;
}

function compareDesc(a: string | undefined, b: string | undefined): number {
  return (b ?? '').localeCompare(a ?? '');
}
