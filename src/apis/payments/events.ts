import { serialization, type Square } from 'square';
import { idIn, idOr, on, some, type EventEffects } from '../api.js';
import { cached as orders } from '../orders/events.js';

export const cached = {
  payment: (id: string) => `payment:${id}`,
} as const;

export const staleAfter = {
  /** A payment changes its order's tenders and state, and so what customers' order searches hold. */
  payment: (id: string | undefined, orderId?: string | null) =>
    some(idOr(cached.payment, id), idOr(orders.order, orderId), orders.ordersOfCustomers),
};

const paymentChanged = (event: { data?: { id?: string; object?: { payment?: Square.Payment } } | undefined }): EventEffects => {
  const payment = event.data?.object?.payment;
  const id = idIn(event.data?.id);
  return { stale: staleAfter.payment(idIn(payment?.id) ?? id, idIn(payment?.orderId)), live: id ? { objectId: id } : undefined };
};

export const events = {
  'payment.created': on(serialization.PaymentCreatedEvent, paymentChanged),
  'payment.updated': on(serialization.PaymentUpdatedEvent, paymentChanged),
};
