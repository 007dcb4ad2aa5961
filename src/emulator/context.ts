import type { serialization } from 'square';
import type { Db } from './plumbing/db.js';
import type { FaultTable } from './plumbing/faults.js';
import type { IdempotencyLedger } from './plumbing/idempotency.js';
import type { RateLimiter } from './plumbing/rate-limit.js';
import type { RequestLog } from './plumbing/request-log.js';
import type { AskedVersion } from './plumbing/square-version.js';
import { Collection } from './plumbing/store.js';
import type { WebhookDispatcher } from './plumbing/webhooks.js';

/** A customer's custom attribute as stored: the wire object and the profile it belongs to. */
export interface CustomerAttribute {
  customer_id: string;
  custom_attribute: serialization.CustomAttribute.Raw;
}

/** A loyalty ledger event as stored: Square always sets these fields. */
export type LoyaltyLedgerEvent = serialization.LoyaltyEvent.Raw & {
  id: string;
  type: serialization.LoyaltyEventType.Raw;
  created_at: string;
};
/**
 * A catalog object of the kinds the emulator keeps, in Square's wire shape. The SDK's union
 * by `type` is too narrow to build objects up field by field, so its data fields sit side by side.
 */
export interface CatalogObject extends serialization.CatalogObjectBase.Raw {
  type: string;
  /** Square sends it though the SDK's schema does not know it (test/support/conformance.ts). */
  created_at?: string;
  item_data?: serialization.CatalogItem.Raw | null;
  item_variation_data?: serialization.CatalogItemVariation.Raw | null;
  category_data?: serialization.CatalogCategory.Raw | null;
  image_data?: serialization.CatalogImage.Raw | null;
  tax_data?: serialization.CatalogTax.Raw | null;
  discount_data?: serialization.CatalogDiscount.Raw | null;
  modifier_list_data?: serialization.CatalogModifierList.Raw | null;
  modifier_data?: serialization.CatalogModifier.Raw | null;
}

/** The emulator's collections, one per kind of Square object, in Square's wire shape. */
export function createStores(db: Db) {
  return {
    locations: new Collection<serialization.Location.Raw>(db, 'location', 'Location'),
    customers: new Collection<serialization.Customer.Raw>(db, 'customer', 'Customer'),
    cards: new Collection<serialization.Card.Raw>(db, 'card', 'Card'),
    giftCards: new Collection<serialization.GiftCard.Raw>(db, 'gift_card', 'Gift card'),
    giftCardActivities: new Collection<serialization.GiftCardActivity.Raw>(db, 'gift_card_activity', 'Gift card activity'),
    payments: new Collection<serialization.Payment.Raw>(db, 'payment', 'Payment'),
    refunds: new Collection<serialization.PaymentRefund.Raw>(db, 'refund', 'Refund'),
    /** The payment each CreatePayment idempotency key made, for CancelPaymentByIdempotencyKey; never part of a Payment. */
    paymentKeys: new Collection<{ payment_id: string }>(db, 'payment_idempotency_key'),
    orders: new Collection<serialization.Order.Raw>(db, 'order', 'Order'),
    customerGroups: new Collection<serialization.CustomerGroup.Raw>(db, 'customer_group', 'Customer group'),
    /** Keyed by the definition's key. */
    customerAttributeDefinitions: new Collection<serialization.CustomAttributeDefinition.Raw>(
      db,
      'customer_custom_attribute_definition',
      'Custom attribute definition',
    ),
    /** Keyed by `customer_id/key`. */
    customerAttributes: new Collection<CustomerAttribute>(db, 'customer_custom_attribute'),
    loyaltyPrograms: new Collection<serialization.LoyaltyProgram.Raw>(db, 'loyalty_program'),
    loyaltyAccounts: new Collection<serialization.LoyaltyAccount.Raw>(db, 'loyalty_account', 'Loyalty account'),
    loyaltyRewards: new Collection<serialization.LoyaltyReward.Raw>(db, 'loyalty_reward', 'Loyalty reward'),
    loyaltyEvents: new Collection<LoyaltyLedgerEvent>(db, 'loyalty_event'),
    loyaltyPromotions: new Collection<serialization.LoyaltyPromotion.Raw>(db, 'loyalty_promotion', 'Loyalty promotion'),
    /** Flat: an item's variations and a modifier list's modifiers are objects of their own (src/emulator/domain/catalog.ts). */
    catalogObjects: new Collection<CatalogObject>(db, 'catalog_object', 'Catalog object'),
    /** Keyed by `catalog_object_id/location_id/state`. */
    inventoryCounts: new Collection<serialization.InventoryCount.Raw>(db, 'inventory_count'),
    inventoryChanges: new Collection<serialization.InventoryChange.Raw>(db, 'inventory_change'),
  };
}

export type Stores = ReturnType<typeof createStores>;

/** Everything a route module needs; one per emulator instance. */
export interface EmulatorContext {
  db: Db;
  stores: Stores;
  idempotency: IdempotencyLedger;
  webhooks: WebhookDispatcher;
  faults: FaultTable;
  /** Square's per-seller throttling, when asked for. */
  rateLimits: RateLimiter;
  requests: RequestLog;
  /** Runs `fn` in one SQLite transaction: a handler's writes land together or not at all. */
  tx<T>(fn: () => T): T;
  /** The merchant of a token, provisioned with a main location on first use. */
  merchantFor(token: string): string;
}

export interface Merchant {
  id: string;
  token: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set for every Square API call (`/v2/...`) once the bearer token is checked, and for an OAuth token call that issued tokens (its seller's). */
    merchant: Merchant;
    /** The Square-Version a Square API or OAuth call asked for, and the release whose shapes answer it (plumbing/square-version.ts); set before anything else. */
    squareVersion: AskedVersion;
  }
}

export { timestamp as now } from './plumbing/clock.js';
