import { serialization, type Square } from 'square';
import { idIn, idOr, on, some, type EventEffects } from '../api.js';
import { staleAfter as payments } from '../payments/events.js';

export const cached = {
  refund: (id: string) => `refund:${id}`,
} as const;

export const staleAfter = {
  /** A refund changes its payment, and so that payment's order. */
  refund: (id: string | undefined, paymentId?: string | null, orderId?: string | null) =>
    some(idOr(cached.refund, id), ...payments.payment(paymentId ?? undefined, orderId)),
};

const refundChanged = (event: { data?: { id?: string; object?: { refund?: Square.PaymentRefund } } | undefined }): EventEffects => {
  const refund = event.data?.object?.refund;
  return { stale: staleAfter.refund(idIn(refund?.id) ?? idIn(event.data?.id), idIn(refund?.paymentId), idIn(refund?.orderId)) };
};

export const events = {
  'refund.created': on(serialization.RefundCreatedEvent, refundChanged),
  'refund.updated': on(serialization.RefundUpdatedEvent, refundChanged),
};
