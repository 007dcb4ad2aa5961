import DataLoader from 'dataloader';
import type { Square } from 'square';
import { fromSquareErrors, squareFailure } from '../../square/errors.js';
import type { ReadKit } from '../../square/loaders.js';
import { chunk } from '../../square/paging.js';
import { cached } from './events.js';

/** Square's documented batch size of BulkRetrieveCustomers. */
const BULK_RETRIEVE = 100;

export interface CustomerPage {
  customers?: Square.Customer[] | undefined;
  cursor?: string | undefined;
}

/** A request as the key of its page: Square's SDK takes page sizes as bigint, which JSON does not write. */
const pageKey = (request: object) => JSON.stringify(request, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));

export function customersLoaders({ first, square, reader, cache, cachedPage, mergedInto, callSquare, current }: ReadKit) {
  const customer = new DataLoader<string, Square.Customer | null>(
    async (all) =>
      cache.many<Square.Customer>(all.map((id) => ({ object: cached.customer(id) })), async (missing) => {
        const ids = missing.map((i) => all[i]!);
        const found = new Map<string, Square.Customer | Error>();
        await Promise.all(
          chunk(ids, BULK_RETRIEVE).map(async (batch) => {
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
    { maxBatchSize: BULK_RETRIEVE * 10 },
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

  /** A page of customers, kept across requests until any customer changes; its customers primed. */
  const page = async (request: object, read: () => Promise<CustomerPage>): Promise<CustomerPage> => {
    const { customers, cursor } = await cachedPage({ object: cached.customerPages, field: pageKey(request) }, async () => {
      const answer = await read();
      return { customers: answer.customers, cursor: answer.cursor };
    });
    for (const c of customers ?? []) if (c.id) customer.prime(c.id, c);
    return { customers, cursor };
  };

  return {
    customer,
    customerOrSurvivor,
    /** The merged-away id a customer from customerOrSurvivor was reached through; undefined when reached by its own. */
    reachedThrough: (c: Square.Customer) => reachedThrough.get(c),
    /** A page of ListCustomers. */
    customerList: (request: Square.ListCustomersRequest) => page(request, () => callSquare(() => reader.listCustomers(request))),
    /** A page of SearchCustomers (a filter, or a group's or segment's members). */
    customerSearch: (request: Square.SearchCustomersRequest) => page(request, () => callSquare(() => square.customers.search(request))),
    /** The customer as Square holds it now, never from the cache: what a write checks its outcome against. */
    currentCustomer: (customerId: string) => current(async () => (await square.customers.get({ customerId })).customer),
  };
}
