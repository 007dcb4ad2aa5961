import type { Square, SquareClient } from 'square';
import { key } from './fixtures.js';
import { newGiftCard } from './payments.js';

export interface ArrangedCustomer {
  id: string;
  cardIds: string[];
  giftCardIds: string[];
  orderIds: string[];
  paymentIds: string[];
}

export interface ArrangedMerchant {
  locationId: string;
  customers: ArrangedCustomer[];
  /** A Square Online order: no customer_id on the order, the customer only on its payment. */
  onlineOrder: { orderId: string; paymentId: string; customerId: string };
}

/**
 * Builds a merchant through Square's API only (as a real seller's data would come to
 * be): customers with cards on file, linked gift cards, and orders paid by card on file.
 */
export async function arrangeMerchant(
  square: SquareClient,
  { customers = 12, ordersPerCustomer = 2, giftCardsEvery = 2 } = {},
): Promise<ArrangedMerchant> {
  const locationId = (await square.locations.list()).locations![0]!.id!;
  const arranged: ArrangedCustomer[] = [];
  for (let i = 0; i < customers; i++) {
    const { customer } = await square.customers.create({
      idempotencyKey: key(),
      givenName: `Given${i}`,
      familyName: `Family${i}`,
      emailAddress: `customer${i}@example.com`,
      phoneNumber: `+1415555${String(1000 + i)}`,
    });
    const id = customer!.id!;
    const { card } = await square.cards.create({
      idempotencyKey: key(),
      sourceId: 'cnon:card-nonce-ok',
      card: { customerId: id, cardholderName: `Given${i} Family${i}` },
    });
    const c: ArrangedCustomer = { id, cardIds: [card!.id!], giftCardIds: [], orderIds: [], paymentIds: [] };
    if (i % giftCardsEvery === 0) {
      const giftCardId = await newGiftCard(square, 5000);
      await square.giftCards.linkCustomer({ giftCardId, customerId: id });
      c.giftCardIds.push(giftCardId);
    }
    for (let o = 0; o < ordersPerCustomer; o++) {
      const { order, payment } = await orderPaidByCard(square, locationId, { customerId: id, cardId: card!.id!, cents: 1000 + i * 10 + o });
      c.orderIds.push(order.id!);
      c.paymentIds.push(payment.id!);
    }
    arranged.push(c);
  }
  const buyer = arranged[Math.min(3, arranged.length - 1)]!;
  const online = await orderPaidByCard(square, locationId, { cardId: buyer.cardIds[0]!, payerId: buyer.id, cents: 4200, source: 'Square Online' });
  return { locationId, customers: arranged, onlineOrder: { orderId: online.order.id!, paymentId: online.payment.id!, customerId: buyer.id } };
}

/** An order with one line, paid in full by a card on file. */
export async function orderPaidByCard(
  square: SquareClient,
  locationId: string,
  args: { customerId?: string; payerId?: string; cardId: string; cents: number; source?: string },
): Promise<{ order: Square.Order; payment: Square.Payment }> {
  const { order } = await square.orders.create({
    idempotencyKey: key(),
    order: {
      locationId,
      ...(args.customerId ? { customerId: args.customerId } : {}),
      source: { name: args.source ?? 'Gateway tests' },
      lineItems: [{ name: 'Flat White', quantity: '1', basePriceMoney: { amount: BigInt(args.cents), currency: 'USD' } }],
    },
  });
  const { payment } = await square.payments.create({
    idempotencyKey: key(),
    sourceId: args.cardId,
    customerId: args.payerId ?? args.customerId,
    orderId: order!.id!,
    locationId,
    amountMoney: order!.totalMoney!,
  });
  return { order: order!, payment: payment! };
}
