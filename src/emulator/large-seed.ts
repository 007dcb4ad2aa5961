import { z } from 'zod';
import type { EmulatorContext } from './context.js';
import { createCard } from './domain/cards.js';
import { createCustomer } from './domain/customers.js';
import { createGiftCardActivity } from './domain/gift-card-activities.js';
import { createGiftCard, linkCustomer } from './domain/gift-cards.js';
import { mainLocationId } from './domain/locations.js';
import { createOrder } from './domain/orders.js';
import { createPayment } from './domain/payments.js';
import { newId } from './plumbing/ids.js';

/** What `POST /_emulator/seed` makes for the merchant of its bearer token. */
export const largeSeedRequest = z.object({
  customers: z.number().int().min(1).max(100_000),
  cards_per_customer: z.number().int().min(0).max(5).default(1),
  /** Every n-th customer gets a gift card, activated and linked to them; 0 for none. */
  gift_cards_every: z.number().int().min(0).max(100_000).default(2),
  /** Orders per customer with a card, each paid in full by the customer's first card. */
  orders_per_customer: z.number().int().min(0).max(200).default(2),
});

export type LargeSeedRequest = z.output<typeof largeSeedRequest>;

export interface LargeSeedCounts {
  customers: number;
  cards: number;
  gift_cards: number;
  orders: number;
  payments: number;
}

/** Customers made per transaction: one commit for everything would hold the database for the whole seed. */
const CUSTOMERS_PER_COMMIT = 250;

/**
 * A large seller for benchmarks and load tests, made through the emulator's own domain
 * functions (so each object is what the API would have made: customers, cards on file,
 * activated gift cards linked to their customer, orders priced and paid by card), without
 * an HTTP round trip or an idempotency record per object, and without webhooks: seeded data
 * is no one's news. A bench of 5,000 customers seeds in seconds where the Square API (or the
 * demo seed's app.inject) would take minutes.
 */
export async function seedLargeMerchant(ctx: EmulatorContext, merchantId: string, request: LargeSeedRequest): Promise<LargeSeedCounts> {
  const counts: LargeSeedCounts = { customers: 0, cards: 0, gift_cards: 0, orders: 0, payments: 0 };
  const locationId = mainLocationId(ctx, merchantId);
  await ctx.webhooks.silently(() => {
    for (let from = 0; from < request.customers; from += CUSTOMERS_PER_COMMIT) {
      const to = Math.min(request.customers, from + CUSTOMERS_PER_COMMIT);
      ctx.tx(() => {
        for (let i = from; i < to; i++) seedCustomer(ctx, merchantId, locationId, i, request, counts);
      });
    }
  });
  return counts;
}

function seedCustomer(ctx: EmulatorContext, merchantId: string, locationId: string, i: number, request: LargeSeedRequest, counts: LargeSeedCounts): void {
  const customer = createCustomer(ctx, merchantId, {
    given_name: `Given${i}`,
    family_name: `Family${i}`,
    email_address: `customer${i}@example.com`,
    phone_number: `+1415${String(i % 10_000_000).padStart(7, '0')}`,
    reference_id: `SEED-${i}`,
  });
  const customerId = customer.id!;
  counts.customers++;
  const cards: string[] = [];
  for (let c = 0; c < request.cards_per_customer; c++) {
    const card = createCard(ctx, merchantId, {
      idempotency_key: newId.uid(),
      source_id: 'cnon:card-nonce-ok',
      card: { customer_id: customerId, cardholder_name: `Given${i} Family${i}` },
    });
    cards.push(card.id!);
    counts.cards++;
  }
  if (request.gift_cards_every > 0 && i % request.gift_cards_every === 0) {
    const giftCard = createGiftCard(ctx, merchantId, locationId, { type: 'DIGITAL' });
    createGiftCardActivity(ctx, merchantId, {
      type: 'ACTIVATE',
      location_id: locationId,
      gift_card_id: giftCard.id!,
      activate_activity_details: { amount_money: { amount: 2500, currency: 'USD' }, buyer_payment_instrument_ids: ['seed-cash'] },
    });
    linkCustomer(ctx, merchantId, giftCard.id!, customerId);
    counts.gift_cards++;
  }
  const card = cards[0];
  if (!card) return;
  for (let o = 0; o < request.orders_per_customer; o++) {
    const order = createOrder(ctx, merchantId, {
      location_id: locationId,
      customer_id: customerId,
      source: { name: 'Large seed' },
      line_items: [{ name: 'Flat White', quantity: '1', base_price_money: { amount: 400 + ((i + o) % 50) * 10, currency: 'USD' } }],
    });
    counts.orders++;
    createPayment(ctx, merchantId, {
      idempotency_key: newId.uid(),
      source_id: card,
      customer_id: customerId,
      order_id: order.id!,
      location_id: locationId,
      amount_money: order.total_money!,
    });
    counts.payments++;
  }
}
