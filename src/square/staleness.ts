/**
 * The one place that says which cached Square reads a change makes stale, for Square's
 * webhook events and for the gateway's own writes alike. A cache object is either one
 * Square object (`payment:<id>`) or a family of lists (`orders-of`: every customer's
 * order search): Square's order, card and gift card events do not always name the
 * customer whose list they change, so a change to any member drops the whole family.
 */
export const cached = {
  customer: (id: string) => `customer:${id}`,
  /** Every page of ListCustomers and SearchCustomers. */
  customerPages: 'customers',
  order: (id: string) => `order:${id}`,
  /** Every customer's SearchOrders result (Customer.orders, Customer.payments, orders by customer). */
  ordersOfCustomers: 'orders-of',
  payment: (id: string) => `payment:${id}`,
  refund: (id: string) => `refund:${id}`,
  card: (id: string) => `card:${id}`,
  /** Every customer's ListCards result. */
  cardsOfCustomers: 'cards-of',
  giftCard: (id: string) => `gift-card:${id}`,
  /** Every customer's ListGiftCards result. */
  giftCardsOfCustomers: 'gift-cards-of',
  /** The seller's one loyalty program. */
  loyaltyProgram: 'loyalty-program',
  loyaltyAccount: (id: string) => `loyalty-account:${id}`,
  /** Every customer's loyalty account (SearchLoyaltyAccounts by customer). */
  loyaltyAccountsOfCustomers: 'loyalty-accounts-of',
  /** The seller's ListCustomerGroups (all pages); groups have no webhooks, so only the TTL renews it. */
  customerGroups: 'customer-groups',
  customerGroup: (id: string) => `customer-group:${id}`,
  /** The seller's ListCustomerSegments (all pages); segments are made in the Seller Dashboard, with no webhooks. */
  customerSegments: 'customer-segments',
  customerSegment: (id: string) => `customer-segment:${id}`,
  /** Every customer's ListCustomerCustomAttributes result, with definitions. */
  customAttributesOfCustomers: 'custom-attributes-of',
  /** The seller's ListCustomerCustomAttributeDefinitions (all pages). */
  customAttributeDefinitions: 'custom-attribute-definitions',
  /** RetrieveMerchant `me`; Square sends no webhook when a seller's profile changes, so only the TTL renews it. */
  merchant: 'merchant',
  /** Every catalog object and SearchCatalogItems page: Square's catalog.version.updated names no object. */
  catalog: 'catalog',
  /** Every variation's counts at every location. */
  inventory: 'inventory',
} as const;

const some = (...objects: Array<string | false | undefined | null | '' | 0>) => objects.filter((o): o is string => Boolean(o));
const idOr = (make: (id: string) => string, id: string | undefined | null) => (id ? make(id) : undefined);

/** What a change to each kind of Square object makes stale. */
export const staleAfter = {
  customer: (id: string | undefined, mergedFrom: readonly string[] = []) =>
    some(
      idOr(cached.customer, id),
      cached.customerPages,
      ...mergedFrom.map(cached.customer),
      // A merge moves no order, but which profile's orders a customer shows is read again.
      mergedFrom.length > 0 && cached.ordersOfCustomers,
    ),
  /** A payment changes its order's tenders and state, and so what customers' order searches hold. */
  payment: (id: string | undefined, orderId?: string | null) =>
    some(idOr(cached.payment, id), idOr(cached.order, orderId), cached.ordersOfCustomers),
  refund: (id: string | undefined, paymentId?: string | null, orderId?: string | null) =>
    some(idOr(cached.refund, id), ...staleAfter.payment(paymentId ?? undefined, orderId)),
  order: (id: string | undefined) => some(idOr(cached.order, id), cached.ordersOfCustomers),
  card: (id: string | undefined) => some(idOr(cached.card, id), cached.cardsOfCustomers),
  giftCard: (id: string | undefined) => some(idOr(cached.giftCard, id), cached.giftCardsOfCustomers),
  /** Points, rewards and enrollment move an account's balance; its ledger events are never cached. */
  loyaltyAccount: (id: string | undefined) => some(idOr(cached.loyaltyAccount, id), cached.loyaltyAccountsOfCustomers),
  loyaltyProgram: () => [cached.loyaltyProgram],
  /** Custom attribute events name the customer only inside the value's id, so every customer's list is dropped. */
  customAttribute: () => [cached.customAttributesOfCustomers],
  /** A definition's name and visibility show on every value of it, and deleting it deletes them. */
  customAttributeDefinition: () => [cached.customAttributeDefinitions, cached.customAttributesOfCustomers],
  catalog: () => [cached.catalog],
  inventory: () => [cached.inventory],
};

interface EventBody {
  data?: {
    id?: string;
    object?: {
      card?: { id?: string };
      payment?: { id?: string; order_id?: string };
      refund?: { id?: string; payment_id?: string; order_id?: string };
      gift_card_activity?: { gift_card_id?: string };
      event_context?: { merge?: { from_customer_ids?: unknown } };
    };
  };
}

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** Per webhook event type the gateway receives: what it makes stale. */
const EVENTS: Record<string, (body: EventBody) => string[]> = {
  'customer.created': customerEvent,
  'customer.updated': customerEvent,
  'customer.deleted': customerEvent,
  'card.created': cardEvent,
  'card.updated': cardEvent,
  'card.disabled': cardEvent,
  'card.forgotten': cardEvent,
  'card.automatically_updated': cardEvent,
  'payment.created': paymentEvent,
  'payment.updated': paymentEvent,
  'refund.created': refundEvent,
  'refund.updated': refundEvent,
  'order.created': orderEvent,
  'order.updated': orderEvent,
  'order.fulfillment.updated': orderEvent,
  'gift_card.created': giftCardEvent,
  'gift_card.updated': giftCardEvent,
  'gift_card.customer_linked': giftCardEvent,
  'gift_card.customer_unlinked': giftCardEvent,
  'gift_card.activity.created': giftCardActivityEvent,
  'gift_card.activity.updated': giftCardActivityEvent,
  'loyalty.account.created': loyaltyAccountEvent,
  'loyalty.account.updated': loyaltyAccountEvent,
  'loyalty.account.deleted': loyaltyAccountEvent,
  'loyalty.program.created': staleAfter.loyaltyProgram,
  'loyalty.program.updated': staleAfter.loyaltyProgram,
  // `owned`: of the gateway's own definitions; `visible`: of other apps' definitions it may read.
  'customer.custom_attribute.owned.updated': staleAfter.customAttribute,
  'customer.custom_attribute.owned.deleted': staleAfter.customAttribute,
  'customer.custom_attribute.visible.updated': staleAfter.customAttribute,
  'customer.custom_attribute.visible.deleted': staleAfter.customAttribute,
  'customer.custom_attribute_definition.owned.created': staleAfter.customAttributeDefinition,
  'customer.custom_attribute_definition.owned.updated': staleAfter.customAttributeDefinition,
  'customer.custom_attribute_definition.owned.deleted': staleAfter.customAttributeDefinition,
  'customer.custom_attribute_definition.visible.created': staleAfter.customAttributeDefinition,
  'customer.custom_attribute_definition.visible.updated': staleAfter.customAttributeDefinition,
  'customer.custom_attribute_definition.visible.deleted': staleAfter.customAttributeDefinition,
  'catalog.version.updated': () => staleAfter.catalog(),
  'inventory.count.updated': () => staleAfter.inventory(),
};

/** Types the cache hears of; any other event changes nothing it holds. */
export const INVALIDATING_EVENTS: ReadonlySet<string> = new Set(Object.keys(EVENTS));

/** The cached reads a Square webhook event makes stale. */
export function staleAfterEvent(type: string, body: unknown): string[] {
  return EVENTS[type]?.((body ?? {}) as EventBody) ?? [];
}

function customerEvent(body: EventBody): string[] {
  const from = body.data?.object?.event_context?.merge?.from_customer_ids;
  return staleAfter.customer(text(body.data?.id), Array.isArray(from) ? from.filter((id): id is string => Boolean(text(id))) : []);
}

function cardEvent(body: EventBody): string[] {
  return staleAfter.card(text(body.data?.object?.card?.id) ?? text(body.data?.id));
}

function paymentEvent(body: EventBody): string[] {
  const payment = body.data?.object?.payment;
  return staleAfter.payment(text(payment?.id) ?? text(body.data?.id), text(payment?.order_id));
}

function refundEvent(body: EventBody): string[] {
  const refund = body.data?.object?.refund;
  return staleAfter.refund(text(refund?.id) ?? text(body.data?.id), text(refund?.payment_id), text(refund?.order_id));
}

function orderEvent(body: EventBody): string[] {
  return staleAfter.order(text(body.data?.id));
}

function giftCardEvent(body: EventBody): string[] {
  return staleAfter.giftCard(text(body.data?.id));
}

function loyaltyAccountEvent(body: EventBody): string[] {
  return staleAfter.loyaltyAccount(text(body.data?.id));
}

function giftCardActivityEvent(body: EventBody): string[] {
  return staleAfter.giftCard(text(body.data?.object?.gift_card_activity?.gift_card_id));
}
