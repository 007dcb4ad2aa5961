/** Gateway scopes mirror Square's OAuth permissions, so that a key grants what a token would. */
export const SCOPES = [
  'CUSTOMERS_READ',
  'CUSTOMERS_WRITE',
  'PAYMENTS_READ',
  'PAYMENTS_WRITE',
  'ORDERS_READ',
  'ORDERS_WRITE',
  'GIFTCARDS_READ',
  'GIFTCARDS_WRITE',
  'MERCHANT_PROFILE_READ',
  'LOYALTY_READ',
  'LOYALTY_WRITE',
  'ITEMS_READ',
  'ITEMS_WRITE',
  'INVENTORY_READ',
  'INVENTORY_WRITE',
] as const;
export type Scope = (typeof SCOPES)[number];
