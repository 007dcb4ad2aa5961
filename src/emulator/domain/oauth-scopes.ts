/**
 * What an OAuth access token must hold to call each emulated endpoint: Square's OAuth permissions per
 * operation, taken from the `security` → `oauth2` scopes of Square's OpenAPI spec (version 2025-08-20)
 * when the emulator's routes were written, and kept here because the emulator never reads the spec at
 * run time. A token needs every scope listed. Where the spec lists none, the comment says what was chosen.
 * Keyed by method and Fastify route pattern; test/emulator/oauth.test.ts fails when a route has no entry.
 */
export const ROUTE_SCOPES: Readonly<Record<string, readonly OAuthScope[]>> = {
  'DELETE /v2/catalog/object/:object_id': ['ITEMS_WRITE'], // DeleteCatalogObject
  'DELETE /v2/customers/:customer_id': ['CUSTOMERS_WRITE'], // DeleteCustomer
  'DELETE /v2/customers/:customer_id/cards/:card_id': ['CUSTOMERS_WRITE'], // DeleteCustomerCard (deprecated)
  'DELETE /v2/customers/:customer_id/custom-attributes/:key': ['CUSTOMERS_WRITE'], // DeleteCustomerCustomAttribute
  'DELETE /v2/customers/:customer_id/groups/:group_id': ['CUSTOMERS_WRITE'], // RemoveGroupFromCustomer
  'DELETE /v2/customers/custom-attribute-definitions/:key': ['CUSTOMERS_WRITE'], // DeleteCustomerCustomAttributeDefinition
  'DELETE /v2/customers/groups/:group_id': ['CUSTOMERS_WRITE'], // DeleteCustomerGroup
  'DELETE /v2/loyalty/rewards/:reward_id': ['LOYALTY_WRITE'], // DeleteLoyaltyReward
  'GET /v2/cards': ['PAYMENTS_READ'], // ListCards (chosen: the spec lists no scope)
  // Not emulated, answered "No such endpoint" (routes/index.ts): no permission makes them more than that.
  'GET /v2/locations/custom-attribute-definitions': [],
  'GET /v2/merchants/custom-attribute-definitions': [],
  'GET /v2/orders/custom-attribute-definitions': [],
  'GET /v2/cards/:card_id': ['PAYMENTS_READ'], // RetrieveCard (chosen: the spec lists no scope)
  'GET /v2/catalog/info': ['ITEMS_READ'], // CatalogInfo
  'GET /v2/catalog/list': ['ITEMS_READ'], // ListCatalog
  'GET /v2/catalog/object/:object_id': ['ITEMS_READ'], // RetrieveCatalogObject
  'GET /v2/customers': ['CUSTOMERS_READ'], // ListCustomers
  'GET /v2/customers/:customer_id': ['CUSTOMERS_READ'], // RetrieveCustomer
  'GET /v2/customers/:customer_id/custom-attributes': ['CUSTOMERS_READ'], // ListCustomerCustomAttributes
  'GET /v2/customers/:customer_id/custom-attributes/:key': ['CUSTOMERS_READ'], // RetrieveCustomerCustomAttribute
  'GET /v2/customers/custom-attribute-definitions': ['CUSTOMERS_READ'], // ListCustomerCustomAttributeDefinitions
  'GET /v2/customers/custom-attribute-definitions/:key': ['CUSTOMERS_READ'], // RetrieveCustomerCustomAttributeDefinition
  'GET /v2/customers/groups': ['CUSTOMERS_READ'], // ListCustomerGroups
  'GET /v2/customers/groups/:group_id': ['CUSTOMERS_READ'], // RetrieveCustomerGroup
  'GET /v2/customers/segments': ['CUSTOMERS_READ'], // ListCustomerSegments
  'GET /v2/customers/segments/:segment_id': ['CUSTOMERS_READ'], // RetrieveCustomerSegment
  'GET /v2/gift-cards': ['GIFTCARDS_READ'], // ListGiftCards
  'GET /v2/gift-cards/:id': ['GIFTCARDS_READ'], // RetrieveGiftCard
  'GET /v2/gift-cards/activities': ['GIFTCARDS_READ'], // ListGiftCardActivities
  'GET /v2/inventory/:catalog_object_id': ['INVENTORY_READ'], // RetrieveInventoryCount
  'GET /v2/inventory/:catalog_object_id/changes': ['INVENTORY_READ'], // RetrieveInventoryChanges (deprecated)
  'GET /v2/inventory/adjustments/:adjustment_id': ['INVENTORY_READ'], // RetrieveInventoryAdjustment
  'GET /v2/inventory/physical-counts/:physical_count_id': ['INVENTORY_READ'], // RetrieveInventoryPhysicalCount
  'GET /v2/locations': ['MERCHANT_PROFILE_READ'], // ListLocations
  'GET /v2/locations/:location_id': ['MERCHANT_PROFILE_READ'], // RetrieveLocation
  'GET /v2/loyalty/accounts/:account_id': ['LOYALTY_READ'], // RetrieveLoyaltyAccount
  'GET /v2/loyalty/programs': ['LOYALTY_READ'], // ListLoyaltyPrograms (deprecated)
  'GET /v2/loyalty/programs/:program_id': ['LOYALTY_READ'], // RetrieveLoyaltyProgram
  'GET /v2/loyalty/programs/:program_id/promotions': ['LOYALTY_READ'], // ListLoyaltyPromotions
  'GET /v2/loyalty/programs/:program_id/promotions/:promotion_id': ['LOYALTY_READ'], // RetrieveLoyaltyPromotion
  'GET /v2/loyalty/rewards/:reward_id': ['LOYALTY_READ'], // RetrieveLoyaltyReward
  'GET /v2/merchants': ['MERCHANT_PROFILE_READ'], // ListMerchants
  'GET /v2/merchants/:merchant_id': ['MERCHANT_PROFILE_READ'], // RetrieveMerchant
  'GET /v2/orders/:order_id': ['ORDERS_READ'], // RetrieveOrder
  'GET /v2/payments': ['PAYMENTS_READ'], // ListPayments
  'GET /v2/payments/:payment_id': ['PAYMENTS_READ'], // GetPayment
  'GET /v2/refunds': ['PAYMENTS_READ'], // ListPaymentRefunds
  'GET /v2/refunds/:refund_id': ['PAYMENTS_READ'], // GetPaymentRefund
  'POST /v2/cards': ['PAYMENTS_WRITE', 'CUSTOMERS_WRITE'], // CreateCard (chosen: the spec lists no scope)
  'POST /v2/cards/:card_id/disable': ['PAYMENTS_WRITE'], // DisableCard (chosen: the spec lists no scope)
  'POST /v2/catalog/batch-delete': ['ITEMS_WRITE'], // BatchDeleteCatalogObjects
  'POST /v2/catalog/batch-retrieve': ['ITEMS_READ'], // BatchRetrieveCatalogObjects
  'POST /v2/catalog/batch-upsert': ['ITEMS_WRITE'], // BatchUpsertCatalogObjects
  'POST /v2/catalog/images': ['ITEMS_WRITE'], // CreateCatalogImage
  'POST /v2/catalog/object': ['ITEMS_WRITE'], // UpsertCatalogObject
  'POST /v2/catalog/search': ['ITEMS_READ'], // SearchCatalogObjects
  'POST /v2/catalog/search-catalog-items': ['ITEMS_READ'], // SearchCatalogItems
  'POST /v2/catalog/update-item-modifier-lists': ['ITEMS_WRITE'], // UpdateItemModifierLists
  'POST /v2/catalog/update-item-taxes': ['ITEMS_WRITE'], // UpdateItemTaxes
  'POST /v2/customers': ['CUSTOMERS_WRITE'], // CreateCustomer
  'POST /v2/customers/:customer_id/cards': ['CUSTOMERS_WRITE'], // CreateCustomerCard (deprecated)
  'POST /v2/customers/:customer_id/custom-attributes/:key': ['CUSTOMERS_WRITE'], // UpsertCustomerCustomAttribute
  'POST /v2/customers/bulk-create': ['CUSTOMERS_WRITE'], // BulkCreateCustomers
  'POST /v2/customers/bulk-delete': ['CUSTOMERS_WRITE'], // BulkDeleteCustomers
  'POST /v2/customers/bulk-retrieve': ['CUSTOMERS_READ'], // BulkRetrieveCustomers
  'POST /v2/customers/bulk-update': ['CUSTOMERS_WRITE'], // BulkUpdateCustomers
  'POST /v2/customers/custom-attribute-definitions': ['CUSTOMERS_WRITE'], // CreateCustomerCustomAttributeDefinition
  'POST /v2/customers/custom-attributes/bulk-upsert': ['CUSTOMERS_WRITE'], // BulkUpsertCustomerCustomAttributes
  'POST /v2/customers/groups': ['CUSTOMERS_WRITE'], // CreateCustomerGroup
  'POST /v2/customers/search': ['CUSTOMERS_READ'], // SearchCustomers
  'POST /v2/gift-cards': ['GIFTCARDS_WRITE'], // CreateGiftCard
  'POST /v2/gift-cards/:gift_card_id/link-customer': ['GIFTCARDS_WRITE'], // LinkCustomerToGiftCard
  'POST /v2/gift-cards/:gift_card_id/unlink-customer': ['GIFTCARDS_WRITE'], // UnlinkCustomerFromGiftCard
  'POST /v2/gift-cards/activities': ['GIFTCARDS_WRITE'], // CreateGiftCardActivity
  'POST /v2/gift-cards/from-gan': ['GIFTCARDS_READ'], // RetrieveGiftCardFromGAN
  'POST /v2/gift-cards/from-nonce': ['GIFTCARDS_READ'], // RetrieveGiftCardFromNonce
  'POST /v2/inventory/batch-change': ['INVENTORY_WRITE'], // DeprecatedBatchChangeInventory (deprecated)
  'POST /v2/inventory/batch-retrieve-changes': ['INVENTORY_READ'], // DeprecatedBatchRetrieveInventoryChanges (deprecated)
  'POST /v2/inventory/batch-retrieve-counts': ['INVENTORY_READ'], // DeprecatedBatchRetrieveInventoryCounts (deprecated)
  'POST /v2/inventory/changes/batch-create': ['INVENTORY_WRITE'], // BatchChangeInventory
  'POST /v2/inventory/changes/batch-retrieve': ['INVENTORY_READ'], // BatchRetrieveInventoryChanges
  'POST /v2/inventory/counts/batch-retrieve': ['INVENTORY_READ'], // BatchRetrieveInventoryCounts
  'POST /v2/locations': ['MERCHANT_PROFILE_WRITE'], // CreateLocation
  'POST /v2/loyalty/accounts': ['LOYALTY_WRITE'], // CreateLoyaltyAccount
  'POST /v2/loyalty/accounts/:account_id/accumulate': ['LOYALTY_WRITE'], // AccumulateLoyaltyPoints
  'POST /v2/loyalty/accounts/:account_id/adjust': ['LOYALTY_WRITE'], // AdjustLoyaltyPoints
  'POST /v2/loyalty/accounts/search': ['LOYALTY_READ'], // SearchLoyaltyAccounts
  'POST /v2/loyalty/events/search': ['LOYALTY_READ'], // SearchLoyaltyEvents
  'POST /v2/loyalty/programs/:program_id/calculate': ['LOYALTY_READ'], // CalculateLoyaltyPoints
  'POST /v2/loyalty/programs/:program_id/promotions': ['LOYALTY_WRITE'], // CreateLoyaltyPromotion
  'POST /v2/loyalty/programs/:program_id/promotions/:promotion_id/cancel': ['LOYALTY_WRITE'], // CancelLoyaltyPromotion
  'POST /v2/loyalty/rewards': ['LOYALTY_WRITE'], // CreateLoyaltyReward
  'POST /v2/loyalty/rewards/:reward_id/redeem': ['LOYALTY_WRITE'], // RedeemLoyaltyReward
  'POST /v2/loyalty/rewards/search': ['LOYALTY_READ'], // SearchLoyaltyRewards
  'POST /v2/orders': ['ORDERS_WRITE'], // CreateOrder
  'POST /v2/orders/:order_id/pay': ['PAYMENTS_WRITE', 'ORDERS_WRITE'], // PayOrder
  'POST /v2/orders/batch-retrieve': ['ORDERS_READ'], // BatchRetrieveOrders
  'POST /v2/orders/calculate': [], // CalculateOrder (the spec lists no scope: any OAuth token may call it)
  'POST /v2/orders/clone': ['ORDERS_WRITE'], // CloneOrder
  'POST /v2/orders/search': ['ORDERS_READ'], // SearchOrders
  'POST /v2/payments': ['PAYMENTS_WRITE'], // CreatePayment
  'POST /v2/payments/:payment_id/cancel': ['PAYMENTS_WRITE'], // CancelPayment
  'POST /v2/payments/:payment_id/complete': ['PAYMENTS_WRITE'], // CompletePayment
  'POST /v2/payments/cancel': ['PAYMENTS_WRITE'], // CancelPaymentByIdempotencyKey
  'POST /v2/refunds': ['PAYMENTS_WRITE'], // RefundPayment
  'PUT /v2/customers/:customer_id': ['CUSTOMERS_WRITE'], // UpdateCustomer
  'PUT /v2/customers/:customer_id/groups/:group_id': ['CUSTOMERS_WRITE'], // AddGroupToCustomer
  'PUT /v2/customers/custom-attribute-definitions/:key': ['CUSTOMERS_WRITE'], // UpdateCustomerCustomAttributeDefinition
  'PUT /v2/customers/groups/:group_id': ['CUSTOMERS_WRITE'], // UpdateCustomerGroup
  'PUT /v2/catalog/images/:image_id': ['ITEMS_WRITE'], // UpdateCatalogImage
  'PUT /v2/locations/:location_id': ['MERCHANT_PROFILE_WRITE'], // UpdateLocation
  'PUT /v2/orders/:order_id': ['ORDERS_WRITE'], // UpdateOrder
  'PUT /v2/payments/:payment_id': ['PAYMENTS_WRITE'], // UpdatePayment
};

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
