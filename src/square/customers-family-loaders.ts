import DataLoader from 'dataloader';
import type { Square, SquareClient } from 'square';
import { isNotFound, squareFailure } from './errors.js';
import type { Answer, SellerCache } from './cache.js';
import { cached } from './staleness.js';
import { collectPages } from './paging.js';

/** Square's largest pages for these lists (its spec). */
const PAGE = { customerGroups: 50, customerSegments: 50, customAttributes: 100, customAttributeDefinitions: 100 } as const;

export interface CustomersFamilyDeps {
  square: SquareClient;
  cache: SellerCache;
  /** A per-id Retrieve, 404 as `null`, kept across requests under `object` (loaders.ts). */
  retrieveEach: <T>(object: (id: string) => string, get: (id: string) => Promise<T | undefined>) => DataLoader<string, T | null>;
}

/**
 * The reads behind the seller's customer groups and segments, customer custom attributes
 * and the merchant. Groups and segments are seller-wide lists a seller keeps short, so a
 * page of customers resolves every `group_ids` and `segment_ids` from one List call kept
 * across requests, not a Retrieve per id; an id the kept list does not know yet (made
 * since it was read) costs its own Retrieve.
 */
export function createCustomersFamilyLoaders({ square, cache, retrieveEach }: CustomersFamilyDeps) {
  /** One seller-wide read, kept across requests under `object` and shared by every field of the request. */
  const sellerWide = <T>(object: string, read: () => Promise<T>) => {
    let pending: Promise<T> | undefined;
    return () =>
      (pending ??= (async () => {
        const [answer] = await cache.many<T>([{ object }], async () => {
          try {
            return [await read()];
          } catch (error) {
            return [squareFailure(error)];
          }
        });
        if (answer instanceof Error) throw answer;
        return answer as T;
      })());
  };

  /** Every page of one of Square's SDK lists. */
  const everyPage = <T>(list: (cursor: string | undefined) => Promise<{ data: T[]; response: { cursor?: string | undefined } }>) =>
    collectPages(async (cursor) => {
      const page = await list(cursor);
      return { items: page.data, cursor: page.response.cursor };
    });

  /** Objects by id out of a seller-wide list, or their own Retrieve when the list does not hold them. */
  const byIdFrom = <T extends { id?: string | undefined }>(all: () => Promise<T[]>, retrieve: DataLoader<string, T | null>) =>
    new DataLoader<string, T | null>(async (ids) => {
      let listed: T[];
      try {
        listed = await all();
      } catch (error) {
        return ids.map(() => error as Error);
      }
      return Promise.all(ids.map((id) => listed.find((item) => item.id === id) ?? retrieve.load(id).catch((error: Error) => error)));
    });

  const customerGroups = sellerWide(cached.customerGroups, () =>
    everyPage((cursor) => square.customers.groups.list({ cursor, limit: PAGE.customerGroups })),
  );
  const customerGroup = byIdFrom(
    customerGroups,
    retrieveEach(cached.customerGroup, async (groupId) => (await square.customers.groups.get({ groupId })).group),
  );

  const customerSegments = sellerWide(cached.customerSegments, () =>
    everyPage((cursor) => square.customers.segments.list({ cursor, limit: PAGE.customerSegments })),
  );
  const customerSegment = byIdFrom(
    customerSegments,
    retrieveEach(cached.customerSegment, async (segmentId) => (await square.customers.segments.get({ segmentId })).segment),
  );

  /** A customer's custom attributes with their definitions (ListCustomerCustomAttributes, every page); none for a customer Square no longer has. */
  const customAttributesByCustomer = new DataLoader<string, Square.CustomAttribute[]>(async (customerIds) => {
    const found = await cache.many<Square.CustomAttribute[]>(
      customerIds.map((customerId) => ({ object: cached.customAttributesOfCustomers, field: customerId })),
      (missing) =>
        Promise.all(
          missing.map(async (i): Promise<Answer<Square.CustomAttribute[]>> => {
            try {
              return await everyPage((cursor) =>
                square.customers.customAttributes.list({ customerId: customerIds[i]!, cursor, limit: PAGE.customAttributes, withDefinitions: true }),
              );
            } catch (error) {
              return isNotFound(error) ? [] : squareFailure(error);
            }
          }),
        ),
    );
    return found.map((attributes) => attributes ?? []);
  });

  const customAttributeDefinitions = sellerWide(cached.customAttributeDefinitions, () =>
    everyPage((cursor) => square.customers.customAttributeDefinitions.list({ cursor, limit: PAGE.customAttributeDefinitions })),
  );

  /** The seller the token acts for (RetrieveMerchant `me`). */
  const merchant = sellerWide(cached.merchant, async () => (await square.merchants.get({ merchantId: 'me' })).merchant ?? null);

  return {
    customerGroups,
    customerGroup,
    customerSegments,
    customerSegment,
    customAttributesByCustomer,
    customAttributeDefinitions,
    merchant,
  };
}
