import type { Square } from 'square';
import type { ReadKit } from '../../square/loaders.js';
import { cached } from './events.js';

export function paymentsLoaders({ square, reader, retrieveEach, callSquare, current }: ReadKit) {
  const payment = retrieveEach(cached.payment, async (paymentId) => (await reader.getPayment(paymentId)).payment);
  return {
    payment,
    /** One page of ListPayments, never cached (its filters are the caller's); its payments primed. */
    paymentList: async (request: Square.ListPaymentsRequest) => {
      const page = await callSquare(() => square.payments.list(request));
      for (const p of page.data) if (p.id) payment.prime(p.id, p);
      return { items: page.data, cursor: page.response.cursor };
    },
    /** The payment as Square holds it now, never from the cache: what a write checks its outcome against. */
    currentPayment: (paymentId: string) => current(async () => (await square.payments.get({ paymentId })).payment),
  };
}
