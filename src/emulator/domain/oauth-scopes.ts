/** Square's OAuth permissions (the spec's `oauth2` scopes); the authorize page and ObtainToken refuse any other name. */
export const SQUARE_SCOPES = [
  'ADDON_CONFIGURATIONS_READ', 'ADDON_CONFIGURATIONS_WRITE', 'APPOINTMENTS_ALL_READ', 'APPOINTMENTS_ALL_WRITE',
  'APPOINTMENTS_BUSINESS_SETTINGS_READ', 'APPOINTMENTS_READ', 'APPOINTMENTS_WRITE', 'BANK_ACCOUNTS_READ',
  'CASH_DRAWER_READ', 'CHANNELS_CREATE', 'CHANNELS_READ', 'CHANNELS_UPDATE', 'CUSTOMERS_READ', 'CUSTOMERS_WRITE',
  'DEVICES_READ', 'DEVICE_CREDENTIAL_MANAGEMENT', 'DISCOUNT_CODES_READ', 'DISCOUNT_CODES_WRITE', 'DISPUTES_READ',
  'DISPUTES_WRITE', 'EMPLOYEES_READ', 'EMPLOYEES_WRITE', 'GIFTCARDS_READ', 'GIFTCARDS_WRITE', 'INVENTORY_READ',
  'INVENTORY_WRITE', 'INVOICES_READ', 'INVOICES_WRITE', 'ITEMS_READ', 'ITEMS_WRITE', 'LOYALTY_READ', 'LOYALTY_WRITE',
  'MERCHANT_PROFILE_READ', 'MERCHANT_PROFILE_WRITE', 'ONLINE_STORE_SITE_READ', 'ONLINE_STORE_SNIPPETS_READ',
  'ONLINE_STORE_SNIPPETS_WRITE', 'ORDERS_READ', 'ORDERS_WRITE', 'PAYMENTS_READ', 'PAYMENTS_WRITE',
  'PAYMENTS_WRITE_ADDITIONAL_RECIPIENTS', 'PAYMENTS_WRITE_IN_PERSON', 'PAYMENTS_WRITE_SHARED_ONFILE', 'PAYOUTS_READ',
  'PERMISSION_SETS_READ', 'PERMISSION_SETS_WRITE', 'RESERVATIONS_READ', 'RESERVATIONS_WRITE', 'RESTAURANT_CHECKS_READ',
  'SETTLEMENTS_READ', 'SUBSCRIPTIONS_READ', 'SUBSCRIPTIONS_WRITE', 'TIMECARDS_READ', 'TIMECARDS_SETTINGS_READ',
  'TIMECARDS_SETTINGS_WRITE', 'TIMECARDS_WRITE', 'VENDOR_READ', 'VENDOR_WRITE',
] as const;

export type OAuthScope = (typeof SQUARE_SCOPES)[number];

const KNOWN = new Set<string>(SQUARE_SCOPES);
export const isSquareScope = (name: string): name is OAuthScope => KNOWN.has(name);

/**
 * What the authorize page says each permission of the emulated APIs lets the application do, in the
 * words of the spec's scope descriptions; other permissions are shown by name.
 */
export const SCOPE_WORDS: Partial<Record<OAuthScope, string>> = {
  MERCHANT_PROFILE_READ: 'Read your business and location information',
  PAYMENTS_READ: 'Read your payments and refunds',
  PAYMENTS_WRITE: 'Take payments and make refunds',
  ORDERS_READ: 'Read your orders',
  ORDERS_WRITE: 'Create and update orders',
  CUSTOMERS_READ: 'Read your customer profiles',
  CUSTOMERS_WRITE: 'Create and update customer profiles',
  ITEMS_READ: 'Read your item catalog',
  ITEMS_WRITE: 'Change your item catalog',
  INVENTORY_READ: 'Read your inventory',
  INVENTORY_WRITE: 'Change your inventory',
  GIFTCARDS_READ: 'Read your gift cards',
  GIFTCARDS_WRITE: 'Create and change gift cards',
  LOYALTY_READ: 'Read your loyalty program and accounts',
  LOYALTY_WRITE: 'Change loyalty accounts and rewards',
  SETTLEMENTS_READ: 'Read your deposits (settlements)',
  BANK_ACCOUNTS_READ: 'Read your bank account information',
};

/** What the authorize page asks for when `scope` is absent: the default of Square's authorize endpoint reference. */
export const DEFAULT_SCOPES: readonly OAuthScope[] = ['MERCHANT_PROFILE_READ', 'PAYMENTS_READ', 'SETTLEMENTS_READ', 'BANK_ACCOUNTS_READ'];
