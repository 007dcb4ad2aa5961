import { serialization } from 'square';
import { idIn, idOr, on, some, type EventEffects } from '../api.js';

/** The cached reads of orders (see src/square/cache.ts). */
export const cached = {
  order: (id: string) => `order:${id}`,
  /**
   * Every customer's SearchOrders result (Customer.orders, Customer.payments, orders by
   * customer): Square's order events do not always name the customer whose list they
   * change, so a change to any order drops the whole family.
   */
  ordersOfCustomers: 'orders-of',
} as const;

export const staleAfter = {
  order: (id: string | undefined) => some(idOr(cached.order, id), cached.ordersOfCustomers),
};

const orderChanged = (event: { data?: { id?: string } | undefined }): EventEffects => {
  const id = idIn(event.data?.id);
  return { stale: staleAfter.order(id), live: id ? { objectId: id } : undefined };
};

export const events = {
  'order.created': on(serialization.OrderCreatedEvent, orderChanged),
  'order.updated': on(serialization.OrderUpdatedEvent, orderChanged),
  'order.fulfillment.updated': on(serialization.OrderFulfillmentUpdatedEvent, orderChanged),
};
