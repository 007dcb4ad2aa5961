import DataLoader from 'dataloader';
import type { Square } from 'square';
import { isNotFound, squareFailure } from '../../square/errors.js';
import type { ReadKit } from '../../square/loaders.js';
import { cached } from './events.js';

/** Square's largest pages of these lists. */
const PAGE = { customAttributes: 100, customAttributeDefinitions: 100 } as const;

export function customerCustomAttributesLoaders({ square, cachedEach, sellerWide, everyPage, current }: ReadKit) {
  /** A customer's custom attributes with their definitions (ListCustomerCustomAttributes, every page); none for a customer Square no longer has. */
  const customAttributesByCustomer = new DataLoader<string, Square.CustomAttribute[]>(async (customerIds) => {
    const found = await cachedEach<Square.CustomAttribute[]>(
      customerIds,
      (customerId) => ({ object: cached.customAttributesOfCustomers, field: customerId }),
      async (customerId) => {
        try {
          return await everyPage((cursor) => square.customers.customAttributes.list({ customerId, cursor, limit: PAGE.customAttributes, withDefinitions: true }));
        } catch (error) {
          return isNotFound(error) ? [] : squareFailure(error);
        }
      },
    );
    return found.map((attributes) => attributes ?? []);
  });

  const customAttributeDefinitions = sellerWide(cached.customAttributeDefinitions, () =>
    everyPage((cursor) => square.customers.customAttributeDefinitions.list({ cursor, limit: PAGE.customAttributeDefinitions })),
  );

  return {
    customAttributesByCustomer,
    customAttributeDefinitions,
    /** A customer's attribute as Square holds it now, never from the cache: what a write checks its outcome against. */
    currentCustomAttribute: (customerId: string, key: string) =>
      current(async () => (await square.customers.customAttributes.get({ customerId, key })).customAttribute),
  };
}
