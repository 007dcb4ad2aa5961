import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../support/emulator.js';

const emulator = useEmulator();

describe('POST /_emulator/seed', () => {
  it('makes a large seller through the API’s own rules: customers with cards, linked gift cards, and orders paid by card', async () => {
    const token = `seed-${randomUUID()}`;
    await emulator.raw('DELETE', '/_emulator/events');
    const { status, body } = await emulator.raw('POST', '/_emulator/seed', { token, body: { customers: 30, gift_cards_every: 3, orders_per_customer: 2 } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ customers: 30, cards: 30, gift_cards: 10, orders: 60, payments: 60 });

    const square = emulator.client(token);
    const customers = (await square.customers.list({ limit: 100 })).data;
    expect(customers).toHaveLength(30);
    const [first, second] = customers;
    expect((await square.cards.list({ customerId: first!.id! })).data).toHaveLength(1);
    expect((await square.giftCards.list({ customerId: first!.id! })).data).toMatchObject([{ state: 'ACTIVE', customerIds: [first!.id!] }]);
    expect((await square.giftCards.list({ customerId: second!.id! })).data).toEqual([]);
    const { locations } = await square.locations.list();
    const { orders } = await square.orders.search({
      locationIds: [locations![0]!.id!],
      query: { filter: { customerFilter: { customerIds: [first!.id!, second!.id!] } } },
    });
    expect(orders).toHaveLength(4);
    for (const order of orders!) {
      expect(order.state).toBe('COMPLETED');
      const { payment } = await square.payments.get({ paymentId: order.tenders![0]!.id! });
      expect(payment).toMatchObject({ status: 'COMPLETED', orderId: order.id, customerId: order.customerId, sourceType: 'CARD' });
    }
    // Seeded data is no one's news.
    expect((await emulator.raw('GET', '/_emulator/events')).body.events).toEqual([]);
  });

  it('is the merchant of its bearer token’s, and refuses what it cannot make', async () => {
    expect((await emulator.raw('POST', '/_emulator/seed', { token: null, body: { customers: 1 } })).status).toBe(401);
    expect((await emulator.raw('POST', '/_emulator/seed', { body: { customers: 0 } })).status).toBe(400);
    expect((await emulator.raw('POST', '/_emulator/seed', { body: { customers: 2, orders_per_customer: 201 } })).status).toBe(400);
  });
});
