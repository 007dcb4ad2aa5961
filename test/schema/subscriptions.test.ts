import { print } from 'graphql';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiKeyRing, generateKey } from '../../src/gateway/api-keys.js';
import { liveEventOf } from '../../src/gateway/pubsub.js';
import type { Gateway } from '../../src/gateway/server.js';
import { SqliteEventStore, type EventStore } from '../../src/store/index.js';
import { graphql } from '../gql/index.js';
import { key } from '../support/fixtures.js';
import { createTestGateway, SERVER_TOKEN, useGateway, type TestStack } from '../support/gateway.js';
import { CREATE_PAYMENT, newCard, newCustomer, newGiftCard, usd } from '../support/payments.js';
import { REDIS_URL, testPrefix } from '../support/redis.js';
import { subscribeSse, type SseSubscription } from '../support/sse.js';
import { WAIT } from '../support/waiting.js';

const PAYMENT_UPDATED = print(
  graphql(`subscription LivePayments($customerId: ID, $locationId: ID) {
  paymentUpdated(customerId: $customerId, locationId: $locationId) { squareId status customer { squareId } }
}`),
);
const ORDER_UPDATED = print(graphql(`subscription LiveOrders($customerId: ID) { orderUpdated(customerId: $customerId) { squareId state customer { squareId } } }`));
const CUSTOMER_UPDATED = print(graphql(`subscription LiveCustomer($id: ID!) { customerUpdated(customerId: $id) { squareId familyName mergedFrom } }`));
const GIFT_CARD_UPDATED = print(graphql(`subscription LiveGiftCard($id: ID!) { giftCardUpdated(giftCardId: $id) { squareId customers { squareId } } }`));

/** Reads messages until one satisfies `pick`; fails on an error message, or when none comes within WAIT's timeout. */
async function until<T>(subscription: SseSubscription, pick: (data: any) => T | undefined): Promise<T> {
  for (;;) {
    const message = await subscription.next();
    expect(message.errors).toBeUndefined();
    const found = pick(message.data);
    if (found !== undefined) return found;
  }
}

/** A payment straight through Square (the emulator), as a terminal or another app would take it. */
async function payDirectly(stack: TestStack, token: string, customerId?: string): Promise<string> {
  const square = stack.square(token);
  const { payment } = await square.payments.create({
    idempotencyKey: key(),
    sourceId: customerId ? await newCard(square, customerId) : 'cnon:card-nonce-ok',
    amountMoney: { amount: 1234n, currency: 'USD' },
    customerId,
  });
  return payment!.id!;
}

describe('live updates', () => {
  const stack = useGateway({ webhooks: true });
  const open: SseSubscription[] = [];
  const subscribe = async (query: string, variables?: Record<string, unknown>) => {
    const subscription = await subscribeSse(stack.url, query, variables);
    open.push(subscription);
    return subscription;
  };
  afterAll(() => open.forEach((s) => s.close()));

  it('delivers a payment made through the gateway, loaded in full', async () => {
    const square = stack.square();
    const customerId = await newCustomer(square);
    const cardId = await newCard(square, customerId);
    const subscription = await subscribe(PAYMENT_UPDATED);
    expect(subscription.status).toBe(200);

    const created = await stack.gql(CREATE_PAYMENT, {
      input: { idempotencyKey: key(), sourceId: cardId, customerId, amountMoney: usd(1500) },
    });
    const paymentId = created.data.createPayment.payment.squareId;
    const delivered = await until(subscription, (d) => (d.paymentUpdated.squareId === paymentId ? d.paymentUpdated : undefined));
    expect(delivered).toEqual({ squareId: paymentId, status: 'COMPLETED', customer: { squareId: customerId } });
  });

  it('delivers only the payments of the customer and location asked for', async () => {
    const square = stack.square();
    const [watched, other] = [await newCustomer(square, 'Watched'), await newCustomer(square, 'Other')];
    const locations = (await stack.gql(graphql(`query LiveLocations { locations { id squareId } }`))).data!.locations!;
    const watchedGlobalId = (await stack.gql(graphql(`query LiveCustomerId($id: ID!) { customer(id: $id) { id } }`), { id: watched })).data!.customer!.id;

    const byCustomer = await subscribe(PAYMENT_UPDATED, { customerId: watchedGlobalId });
    const byLocation = await subscribe(PAYMENT_UPDATED, { locationId: locations[0]!.id });
    const elsewhere = await subscribe(PAYMENT_UPDATED, { locationId: 'L-ELSEWHERE' });

    const unrelated = await payDirectly(stack, SERVER_TOKEN, other);
    const related = await payDirectly(stack, SERVER_TOKEN, watched);
    await until(byCustomer, (d) => {
      expect(d.paymentUpdated.customer.squareId).toBe(watched);
      return d.paymentUpdated.squareId === related ? true : undefined;
    });
    await until(byLocation, (d) => (d.paymentUpdated.squareId === unrelated ? true : undefined));
    await until(byLocation, (d) => (d.paymentUpdated.squareId === related ? true : undefined));

    // Events are applied in order, so the unrelated payment's came first and would have been delivered by now.
    const late = await byCustomer.drain(200);
    expect(late.every((m) => m.data.paymentUpdated.customer.squareId === watched)).toBe(true);
    expect(await elsewhere.drain(0)).toEqual([]);
  });

  it('delivers an order of the customer when it is created', async () => {
    const customerId = await newCustomer(stack.square());
    const subscription = await subscribe(ORDER_UPDATED, { customerId });
    const created = await stack.gql(
      graphql(`mutation LiveCreateOrder($input: CreateOrderInput!) { createOrder(input: $input) { __typename ... on CreateOrderSuccess { order { squareId } } } }`),
      { input: { idempotencyKey: key(), customerId, lineItems: [{ name: 'Latte', quantity: '1', basePriceMoney: usd(450) }] } },
    );
    if (created.data?.createOrder?.__typename !== 'CreateOrderSuccess') throw new Error(JSON.stringify(created));
    const orderId = created.data.createOrder.order.squareId;
    const order = await until(subscription, (d) => (d.orderUpdated.squareId === orderId ? d.orderUpdated : undefined));
    expect(order).toEqual({ squareId: orderId, state: 'OPEN', customer: { squareId: customerId } });
  });

  it('delivers a customer’s changes, and the surviving profile after a merge of it', async () => {
    const square = stack.square();
    const [watched, duplicate] = [await newCustomer(square, 'Ada'), await newCustomer(square, 'Ada')];
    const subscription = await subscribe(CUSTOMER_UPDATED, { id: watched });

    const updated = await stack.gql(
      graphql(`mutation LiveUpdateCustomer($input: UpdateCustomerInput!) { updateCustomer(input: $input) { __typename } }`),
      { input: { id: watched, familyName: 'Lovelace' } },
    );
    expect(updated.data?.updateCustomer?.__typename).toBe('UpdateCustomerSuccess');
    expect(await until(subscription, (d) => d.customerUpdated)).toEqual({ squareId: watched, familyName: 'Lovelace', mergedFrom: [] });

    const response = await fetch(`${stack.emulatorUrl}/_emulator/customers/merge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${SERVER_TOKEN}` },
      body: JSON.stringify({ from_customer_ids: [watched, duplicate] }),
    });
    const survivorId = ((await response.json()) as { customer: { id: string } }).customer.id;
    const survivor = await until(subscription, (d) => (d.customerUpdated.squareId === survivorId ? d.customerUpdated : undefined));
    expect(survivor.mergedFrom).toEqual([watched, duplicate]);

    // From then on the survivor is the one watched.
    await square.customers.update({ customerId: survivorId, nickname: 'Countess' });
    await until(subscription, (d) => (d.customerUpdated.squareId === survivorId ? true : undefined));
  });

  it('delivers a gift card when it is linked to a customer', async () => {
    const square = stack.square();
    const [giftCardId, customerId] = [await newGiftCard(square, 2500), await newCustomer(square)];
    const subscription = await subscribe(GIFT_CARD_UPDATED, { id: giftCardId });
    const linked = await stack.gql(
      graphql(`mutation LiveLinkGiftCard($input: GiftCardCustomerInput!) { linkGiftCardToCustomer(input: $input) { __typename } }`),
      { input: { giftCardId, customerId } },
    );
    expect(linked.data?.linkGiftCardToCustomer?.__typename).toBe('LinkGiftCardToCustomerSuccess');
    const card = await until(subscription, (d) => (d.giftCardUpdated.customers.length > 0 ? d.giftCardUpdated : undefined));
    expect(card).toEqual({ squareId: giftCardId, customers: [{ squareId: customerId }] });
  });

  it('ends its subscriptions when a gateway closes', async () => {
    const store = new SqliteEventStore(':memory:');
    const gateway = createTestGateway(stack.emulatorUrl, {}, store);
    const subscription = await subscribeSse(await gateway.listen(), PAYMENT_UPDATED);
    await gateway.close();
    await store.close();
    await expect(subscription.next()).rejects.toThrow(/ended/);
  });
});

describe('tenant isolation', () => {
  const stack = useGateway({ authMode: 'passthrough', webhooks: true });

  it('gives each seller’s subscriber that seller’s events and no other', async () => {
    const sellers = ['seller-north', 'seller-south'];
    const subscriptions = await Promise.all(sellers.map((token) => subscribeSse(stack.url, PAYMENT_UPDATED, {}, { token })));
    const paid = new Map<string, string[]>(sellers.map((s) => [s, []]));
    for (let i = 0; i < 3; i++) {
      for (const seller of sellers) paid.get(seller)!.push(await payDirectly(stack, seller));
    }
    for (const [i, seller] of sellers.entries()) {
      const own = paid.get(seller)!;
      const seen = new Set<string>();
      await until(subscriptions[i]!, (d) => {
        expect(own).toContain(d.paymentUpdated.squareId);
        seen.add(d.paymentUpdated.squareId);
        return seen.size === own.length ? true : undefined;
      });
    }
    for (const [i, seller] of sellers.entries()) {
      const late = await subscriptions[i]!.drain(100);
      for (const m of late) expect(paid.get(seller)).toContain(m.data.paymentUpdated.squareId);
      subscriptions[i]!.close();
    }
    // Not even looked at: no subscriber read a payment with the other seller's token (Square would refuse it anyway).
    const { requests } = (await (await fetch(`${stack.emulatorUrl}/_emulator/requests`)).json()) as {
      requests: Array<{ method: string; path: string; merchant_id: string }>;
    };
    const readsBy = new Map<string, Set<string>>();
    for (const r of requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v2/payments/'))) {
      readsBy.set(r.merchant_id, (readsBy.get(r.merchant_id) ?? new Set()).add(r.path.slice('/v2/payments/'.length)));
    }
    expect(readsBy.size).toBe(2);
    for (const read of readsBy.values()) {
      const owner = sellers.find((s) => paid.get(s)!.includes([...read][0]!))!;
      expect([...read].sort()).toEqual([...paid.get(owner)!].sort());
    }
  });
});

describe('subscription scopes', () => {
  const orders = generateKey('orders-only', ['ORDERS_READ']);
  const stack = useGateway({ webhooks: true, apiKeys: ApiKeyRing.parse(JSON.stringify({ keys: [orders.entry] }), 'test keys') });

  it('refuses a subscription without its scope as FORBIDDEN, and serves the scope the key has', async () => {
    const refused = await subscribeSse(stack.url, PAYMENT_UPDATED, {}, { token: orders.key });
    const message = await refused.next();
    expect(message.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN', scopes: ['PAYMENTS_READ'] } });
    await expect(refused.next()).rejects.toThrow(/ended/);

    const allowed = await subscribeSse(stack.url, print(graphql(`subscription LiveOrdersScoped { orderUpdated { squareId } }`)), {}, { token: orders.key });
    const locationId = (await stack.square().locations.list()).locations![0]!.id!;
    const { order } = await stack.square().orders.create({
      idempotencyKey: key(),
      order: { locationId, lineItems: [{ name: 'Tea', quantity: '1', basePriceMoney: { amount: 300n, currency: 'USD' } }] },
    });
    await until(allowed, (d) => (d.orderUpdated.squareId === order!.id ? true : undefined));
    allowed.close();
  });
});

describe('what subscribers hear of an event', () => {
  const applied = (type: string, data: unknown) => ({ eventId: 'evt-1', merchantId: 'M1', type, body: { type, data }, sequence: 7 });

  it('names the object to load, never carries its body, and ignores events no subscription listens to', () => {
    const payment = liveEventOf(applied('payment.updated', { id: 'pay-1', object: { payment: { id: 'pay-1', note: 'secret' } } }));
    expect(payment).toEqual({ type: 'payment.updated', objectId: 'pay-1', eventId: 'evt-1', sequence: 7 });
    const activity = { id: 'gca-1', object: { gift_card_activity: { gift_card_id: 'gftc:1' } } };
    expect(liveEventOf(applied('gift_card.activity.created', activity))).toMatchObject({ objectId: 'gftc:1' });
    const merge = { id: 'C', object: { customer: { id: 'C' }, event_context: { merge: { from_customer_ids: ['A', 'B'], to_customer_id: 'C' } } } };
    expect(liveEventOf(applied('customer.created', merge))).toMatchObject({ objectId: 'C', mergedFrom: ['A', 'B'] });
    const counts = { id: 'x', object: { inventory_counts: [{ catalog_object_id: 'V1', location_id: 'L1', state: 'IN_STOCK', quantity: '3' }, { catalog_object_id: 'V1', location_id: 'L1', state: 'WASTE', quantity: '1' }] } };
    expect(liveEventOf(applied('inventory.count.updated', counts))).toEqual({
      type: 'inventory.count.updated',
      objectId: 'V1',
      eventId: 'evt-1',
      sequence: 7,
      counted: [
        { variationId: 'V1', locationId: 'L1' },
        { variationId: 'V1', locationId: 'L1' },
      ],
    });
    expect(liveEventOf(applied('card.created', { id: 'ccof:1' }))).toBeUndefined();
    expect(liveEventOf(applied('payment.created', {}))).toBeUndefined();
  });
});

describe('without webhooks', () => {
  const stack = useGateway();

  it('refuses subscriptions, since no event would ever come', async () => {
    const subscription = await subscribeSse(stack.url, PAYMENT_UPDATED);
    expect((await subscription.next()).errors?.[0]?.extensions?.code).toBe('SUBSCRIPTIONS_UNAVAILABLE');
    subscription.close();
  });
});

describe.skipIf(!REDIS_URL)('live updates across gateway instances over Redis', () => {
  const prefix = testPrefix();
  // Instance A receives the emulator's webhooks; instance B (its own store) receives none.
  const stack = useGateway({ webhooks: true, redisUrl: REDIS_URL, pubsubPrefix: prefix });
  let b: Gateway;
  let bUrl: string;
  let bStore: EventStore;
  let redis: Redis;

  beforeAll(async () => {
    bStore = new SqliteEventStore(':memory:');
    b = createTestGateway(stack.emulatorUrl, { redisUrl: REDIS_URL, pubsubPrefix: prefix }, bStore);
    bUrl = await b.listen();
    redis = new Redis(REDIS_URL!);
  });
  const subscribers = async (topic: string) => ((await redis.pubsub('NUMSUB', topic)) as [string, number])[1];
  afterAll(async () => {
    await b?.close();
    await bStore?.close();
    await redis?.quit();
  });

  it('delivers a webhook received by one instance to a subscriber on the other, once', async () => {
    const merchantId = (await stack.square().locations.list()).locations![0]!.merchantId!;
    const topic = `${prefix}square:${merchantId}`;
    const onB = await subscribeSse(bUrl, PAYMENT_UPDATED);
    const onA = await subscribeSse(stack.url, PAYMENT_UPDATED);
    // Both instances' SUBSCRIBE has reached Redis before anything is published: the SSE
    // stream opens before the SUBSCRIBE completes, and on a loaded machine well before.
    await vi.waitUntil(async () => {
      // A subscription that ended (an error instead of a stream) would never subscribe: say so at once, with what it sent.
      for (const [name, s] of [['A', onA], ['B', onB]] as const) {
        if (s.completed) throw new Error(`instance ${name}'s subscription ended: ${JSON.stringify(await s.drain(0))}`);
      }
      return (await subscribers(topic)) >= 2;
    }, WAIT);

    const paymentId = await payDirectly(stack, SERVER_TOKEN);
    const { events } = (await (await fetch(`${stack.emulatorUrl}/_emulator/events`)).json()) as {
      events: Array<{ event_id: string; data: { id: string } }>;
    };
    const eventIds = events.filter((e) => e.data.id === paymentId).map((e) => e.event_id);
    expect(eventIds.length).toBeGreaterThan(0);
    // Each subscriber hears every event of the payment, then nothing more of it.
    const received = async (s: SseSubscription) => {
      let heard = 0;
      await until(s, (d) => (d.paymentUpdated.squareId === paymentId && ++heard === eventIds.length ? true : undefined));
      return heard + (await s.drain(200)).filter((m) => m.data.paymentUpdated.squareId === paymentId).length;
    };
    expect(await Promise.all([received(onA), received(onB)])).toEqual([eventIds.length, eventIds.length]);
    // Only A received the events; B heard of them through Redis alone.
    for (const id of eventIds) {
      expect(await stack.store!.event(id)).toBeDefined();
      expect(await bStore.event(id)).toBeUndefined();
    }
    onA.close();
    onB.close();
    // A subscriber that goes away leaves no subscription behind in Redis.
    await expect.poll(() => subscribers(topic)).toBe(0);
  });
});
