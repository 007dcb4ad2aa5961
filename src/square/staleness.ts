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

function giftCardActivityEvent(body: EventBody): string[] {
  return staleAfter.giftCard(text(body.data?.object?.gift_card_activity?.gift_card_id));
}
