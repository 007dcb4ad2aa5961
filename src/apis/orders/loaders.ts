import DataLoader from 'dataloader';
import type { Square } from 'square';
import type { Answer } from '../../square/cache.js';
import { squareFailure } from '../../square/errors.js';
import type { ReadKit } from '../../square/loaders.js';
import { chunk, collectPages } from '../../square/paging.js';
import { cached } from './events.js';

/** Square's documented batch sizes. */
const LIMITS = {
  batchRetrieveOrders: 100,
  searchOrdersCustomerIds: 10,
  searchOrdersLocationIds: 10,
  searchOrdersPage: 1000,
} as const;

export function ordersLoaders({ square, firstReader, cache, locations, mergedFrom, mergedInto, callSquare }: ReadKit) {
  const order = new DataLoader<string, Square.Order | null>(async (all) =>
    cache.many<Square.Order>(all.map((id) => ({ object: cached.order(id) })), async (missing) => {
      const ids = missing.map((i) => all[i]!);
      const found = new Map<string, Square.Order | Error>();
      await Promise.all(
        chunk(ids, LIMITS.batchRetrieveOrders).map(async (batch) => {
          try {
            const { orders } = await firstReader.batchGetOrders({ orderIds: batch });
            for (const o of orders ?? []) if (o.id) found.set(o.id, o);
          } catch (error) {
            for (const id of batch) found.set(id, squareFailure(error));
          }
        }),
      );
      return ids.map((id) => found.get(id) ?? null);
    }),
  );

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
              const page = await firstReader.searchOrders({
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
    order,
    ordersByCustomer,
    ordersOfCustomers,
    /** One page of SearchOrders, never cached (its filters are the caller's); its orders primed. */
    orderSearch: async (request: Square.SearchOrdersRequest) => {
      const page = await callSquare(() => square.orders.search(request));
      for (const o of page.orders ?? []) if (o.id) order.prime(o.id, o);
      return page;
    },
  };
}

function compareDesc(a: string | undefined, b: string | undefined): number {
  return (b ?? '').localeCompare(a ?? '');
}
