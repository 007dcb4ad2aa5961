import { print, type DocumentNode } from 'graphql';
import type { SquareClient } from 'square';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayConfig } from '../../src/gateway/config.js';
import { createGateway, type Gateway } from '../../src/gateway/server.js';
import { SqliteEventStore } from '../../src/store/index.js';
import { CachedCustomerDocument, CachedCustomerNamesDocument, CachedObjectsDocument, CustomerOverviewDocument } from '../gql/graphql.js';
import { graphql } from '../gql/index.js';
import { trackWebhooks } from '../support/cache.js';
import { key } from '../support/fixtures.js';
import { countCalls, SERVER_TOKEN, useGateway, type TestStack } from '../support/gateway.js';
import { orderPaidByCard } from '../support/merchant.js';
import { CREATE_PAYMENT, newCard, newCustomer, newGiftCard, usd } from '../support/payments.js';
import { subscribeSse } from '../support/sse.js';

interface Arranged {
  locationId: string;
  customerId: string;
  cardId: string;
  giftCardId: string;
  orderId: string;
  paymentId: string;
}

/** A customer with a card on file, a linked gift card and an order paid by card, made straight through Square. */
async function arrange(square: SquareClient): Promise<Arranged> {
  const locationId = (await square.locations.list()).locations![0]!.id!;
  const customerId = await newCustomer(square, 'Ada');
  const cardId = await newCard(square, customerId);
  const giftCardId = await newGiftCard(square, 5000);
  await square.giftCards.linkCustomer({ giftCardId, customerId });
  const { order, payment } = await orderPaidByCard(square, locationId, { customerId, cardId, cents: 1500 });
  return { locationId, customerId, cardId, giftCardId, orderId: order.id!, paymentId: payment.id! };
}

/** Reads until `fresh` holds; fails if it never does. */
async function served<T>(what: string, read: () => Promise<T>, fresh: (data: T) => boolean): Promise<void> {
  await expect.poll(async () => fresh(await read()), { message: what }).toBe(true);
}

/** The read is answered from the cache: a repeat makes no Square call. */
async function expectCached(stack: TestStack, read: () => Promise<unknown>) {
  await read();
  await stack.clearCalls();
  await read();
  expect(await stack.calls()).toEqual([]);
}

describe('a cache of Square reads, invalidated by Square’s webhooks', () => {
  const stack = useGateway({ webhooks: true, cacheTtlMs: 600_000 });
  let a: Arranged;
  let settled: () => Promise<string[]>;
  beforeAll(async () => {
    settled = trackWebhooks(stack);
    a = await arrange(stack.square());
    await settled();
  });
  const customer = async () => (await stack.gql(CachedCustomerDocument, { id: a.customerId })).data!.customer!;
  const objects = async (ids: Partial<Arranged> = {}) =>
    (await stack.gql(CachedObjectsDocument, { paymentId: a.paymentId, orderId: a.orderId, cardId: a.cardId, giftCardId: a.giftCardId, ...ids })).data!;

  it('answers a warm repeat of the nested page with no Square call, and the same data', async () => {
    const first = await stack.gql(CustomerOverviewDocument, { first: 20, ordersFirst: 5 });
    expect(first.errors).toBeUndefined();
    await stack.clearCalls();
    const again = await stack.gql(CustomerOverviewDocument, { first: 20, ordersFirst: 5 });
    expect(await stack.calls()).toEqual([]);
    expect(again.data).toEqual(first.data);
  });

  // Each change is made straight against Square (the emulator); only its webhook tells the gateway.
  const changes: Array<{ events: string[]; change: (square: SquareClient) => Promise<void>; read: () => Promise<unknown>; fresh: (data: any) => boolean }> = [
    {
      events: ['customer.updated'],
      change: async (square) => void (await square.customers.update({ customerId: a.customerId, givenName: 'Grace' })),
      read: customer,
      fresh: (c) => c.givenName === 'Grace',
    },
    {
      events: ['customer.created'],
      change: async (square) => void (await newCustomer(square, 'Newcomer')),
      read: async () => (await stack.gql(CachedCustomerNamesDocument, { first: 100 })).data!.customers!.edges,
      fresh: (edges: Array<{ node: { givenName: string } }>) => edges.some((e) => e.node.givenName === 'Newcomer'),
    },
    {
      events: ['card.created'],
      change: async (square) => void (await newCard(square, a.customerId)),
      read: customer,
      fresh: (c) => c.cards.length === 2,
    },
    {
      events: ['card.disabled'],
      change: async (square) => void (await square.cards.disable({ cardId: a.cardId })),
      read: async () => [(await objects()).card, await customer()] as const,
      fresh: ([card, c]) => card.enabled === false && c.cards.some((x: any) => x.squareId === a.cardId && x.enabled === false),
    },
    {
      events: ['order.created'],
      change: async (square) =>
        void (await square.orders.create({
          idempotencyKey: key(),
          order: { locationId: a.locationId, customerId: a.customerId, lineItems: [{ name: 'Tea', quantity: '1', basePriceMoney: { amount: 300n, currency: 'USD' } }] },
        })),
      read: customer,
      fresh: (c) => c.orders.edges.length === 2,
    },
    {
      events: ['payment.created', 'payment.updated', 'order.updated'],
      change: async (square) => {
        const open = (await square.orders.search({ locationIds: [a.locationId], query: { filter: { stateFilter: { states: ['OPEN'] } } } })).orders![0]!;
        const { payment } = await square.payments.create({
          idempotencyKey: key(),
          sourceId: 'cnon:card-nonce-ok',
          amountMoney: { amount: 300n, currency: 'USD' },
          orderId: open.id!,
          customerId: a.customerId,
          autocomplete: false,
        });
        await square.payments.complete({ paymentId: payment!.id! });
        a = { ...a, orderId: open.id!, paymentId: payment!.id! };
      },
      read: async () => [await objects(), await customer()] as const,
      fresh: ([o, c]) => o.payment.status === 'COMPLETED' && o.order.state === 'COMPLETED' && c.payments.edges.length === 2,
    },
    {
      events: ['refund.created'],
      change: async (square) => void (await square.refunds.refundPayment({ idempotencyKey: key(), paymentId: a.paymentId, amountMoney: { amount: 100n, currency: 'USD' } })),
      read: () => objects(),
      fresh: (o) => o.payment.refundedMoney?.amount === '100',
    },
    {
      events: ['gift_card.customer_unlinked'],
      change: async (square) => void (await square.giftCards.unlinkCustomer({ giftCardId: a.giftCardId, customerId: a.customerId })),
      read: customer,
      fresh: (c) => c.giftCards.length === 0,
    },
    {
      events: ['gift_card.customer_linked'],
      change: async (square) => void (await square.giftCards.linkCustomer({ giftCardId: a.giftCardId, customerId: a.customerId })),
      read: customer,
      fresh: (c) => c.giftCards.length === 1,
    },
    {
      events: ['gift_card.activity.created', 'gift_card.updated'],
      change: async (square) =>
        void (await square.giftCards.activities.create({
          idempotencyKey: key(),
          giftCardActivity: {
            type: 'ADJUST_INCREMENT',
            locationId: a.locationId,
            giftCardId: a.giftCardId,
            adjustIncrementActivityDetails: { amountMoney: { amount: 700n, currency: 'USD' }, reason: 'COMPLIMENTARY' },
          },
        })),
      read: async () => [(await objects()).giftCard, await customer()] as const,
      fresh: ([g, c]) => g.balanceMoney.amount === '5700' && c.giftCards[0]?.balanceMoney.amount === '5700',
    },
    {
      // Groups have no webhooks: the group made here is not in the cached list, so it is retrieved by id.
      events: ['customer.updated'],
      change: async (square) => {
        const { group } = await square.customers.groups.create({ group: { name: 'Regulars' } });
        await square.customers.groups.add({ customerId: a.customerId, groupId: group!.id! });
      },
      read: customer,
      fresh: (c) => c.groups.some((g: { name: string }) => g.name === 'Regulars'),
    },
    {
      events: ['customer.custom_attribute_definition.owned.created', 'customer.custom_attribute.owned.updated'],
      change: async (square) => {
        await square.customers.customAttributeDefinitions.create({
          customAttributeDefinition: {
            key: 'drink',
            name: 'Drink',
            description: 'Their usual',
            schema: { $ref: 'https://developer-production-s.squarecdn.com/schemas/v1/common.json#squareup.common.String' },
          },
        });
        await square.customers.customAttributes.upsert({ customerId: a.customerId, key: 'drink', customAttribute: { value: 'tea' } });
      },
      read: customer,
      fresh: (c) => c.customAttributes.some((x: { key: string; value: unknown }) => x.key === 'drink' && x.value === 'tea'),
    },
    {
      events: ['customer.custom_attribute_definition.owned.updated'],
      change: async (square) => void (await square.customers.customAttributeDefinitions.update({ key: 'drink', customAttributeDefinition: { name: 'Usual drink' } })),
      read: customer,
      fresh: (c) => c.customAttributes[0]?.name === 'Usual drink',
    },
    {
      events: ['customer.custom_attribute.owned.deleted'],
      change: async (square) => void (await square.customers.customAttributes.delete({ customerId: a.customerId, key: 'drink' })),
      read: customer,
      fresh: (c) => c.customAttributes.length === 0,
    },
    {
      events: ['customer.deleted'],
      change: async (square) => void (await square.customers.delete({ customerId: a.customerId })),
      read: async () => (await stack.gql(CachedCustomerDocument, { id: a.customerId })).data!.customer,
      fresh: (c) => c === null,
    },
  ];

  for (const { events, change, read, fresh } of changes) {
    it(`serves the change after ${events.join(' + ')}`, async () => {
      await settled();
      await expectCached(stack, read);
      expect(fresh(await read())).toBe(false);
      await change(stack.square());
      const sent = await settled();
      for (const type of events) expect(sent).toContain(type);
      await served(`the gateway to show the change after ${events.join(', ')}`, read, fresh);
    });
  }

  it('lets subscribers to one event share one read of the changed object', async () => {
    const square = stack.square();
    const { payment } = await square.payments.create({ idempotencyKey: key(), sourceId: 'cnon:card-nonce-ok', amountMoney: { amount: 200n, currency: 'USD' }, autocomplete: false });
    await settled();
    // Cached as APPROVED: the invalidation must come before the subscribers read.
    const before = await stack.gql(CachedObjectsDocument, { paymentId: payment!.id!, orderId: a.orderId, cardId: a.cardId, giftCardId: a.giftCardId });
    expect(before.data!.payment!.status).toBe('APPROVED');
    const subscribers = await Promise.all(
      Array.from({ length: 5 }, () => subscribeSse(stack.url, print(graphql(`subscription CachePaymentStatus { paymentUpdated { squareId status } }`)))),
    );
    try {
      await stack.clearCalls();
      await square.payments.complete({ paymentId: payment!.id! });
      for (const subscriber of subscribers) {
        const message = await subscriber.next();
        expect(message.data).toEqual({ paymentUpdated: { squareId: payment!.id, status: 'COMPLETED' } });
      }
      expect(countCalls(await stack.calls()).GetPayment).toBe(1);
    } finally {
      for (const subscriber of subscribers) subscriber.close();
    }
  });
});

describe('a cache invalidated by the gateway’s own writes', () => {
  // No webhooks reach this gateway: only its writes can make its cached reads stale.
  const stack = useGateway({ cacheTtlMs: 600_000 });
  let a: Arranged;
  beforeAll(async () => {
    a = await arrange(stack.square());
  });
  const customer = async () => (await stack.gql(CachedCustomerDocument, { id: a.customerId })).data!.customer!;
  const objects = async () =>
    (await stack.gql(CachedObjectsDocument, { paymentId: a.paymentId, orderId: a.orderId, cardId: a.cardId, giftCardId: a.giftCardId })).data!;
  const write = async (document: DocumentNode, input: Record<string, unknown>) => {
    const result = await stack.gql(document, { input });
    expect(result.errors).toBeUndefined();
    return result.data;
  };

  const writes: Array<{ mutation: string; run: () => Promise<void>; read: () => Promise<unknown>; fresh: (data: any) => boolean }> = [
    {
      mutation: 'updateCustomer',
      run: async () => void (await write(graphql(`mutation CacheUpdateCustomer($input: UpdateCustomerInput!) { updateCustomer(input: $input) { __typename } }`), { id: a.customerId, givenName: 'Grace' })),
      read: customer,
      fresh: (c) => c.givenName === 'Grace',
    },
    {
      mutation: 'createCustomer',
      run: async () => void (await write(graphql(`mutation CacheCreateCustomer($input: CreateCustomerInput!) { createCustomer(input: $input) { __typename } }`), { givenName: 'Newcomer', idempotencyKey: key() })),
      read: async () => (await stack.gql(CachedCustomerNamesDocument, { first: 100 })).data!.customers!.edges,
      fresh: (edges: Array<{ node: { givenName: string } }>) => edges.some((e) => e.node.givenName === 'Newcomer'),
    },
    {
      mutation: 'saveCard',
      run: async () =>
        void (await write(graphql(`mutation CacheSaveCard($input: SaveCardInput!) { saveCard(input: $input) { __typename } }`), {
          customerId: a.customerId,
          sourceId: 'cnon:card-nonce-ok',
          idempotencyKey: key(),
          customerConsent: true,
        })),
      read: customer,
      fresh: (c) => c.cards.length === 2,
    },
    {
      mutation: 'disableCard',
      run: async () => void (await write(graphql(`mutation CacheDisableCard($input: DisableCardInput!) { disableCard(input: $input) { __typename } }`), { cardId: a.cardId })),
      read: async () => [(await objects()).card, await customer()] as const,
      fresh: ([card, c]) => card.enabled === false && c.cards.some((x: any) => x.squareId === a.cardId && x.enabled === false),
    },
    {
      mutation: 'createOrder',
      run: async () =>
        void (await write(graphql(`mutation CacheCreateOrder($input: CreateOrderInput!) { createOrder(input: $input) { __typename } }`), {
          locationId: a.locationId,
          customerId: a.customerId,
          idempotencyKey: key(),
          lineItems: [{ name: 'Tea', quantity: '1', basePriceMoney: usd(300) }],
        })),
      read: customer,
      fresh: (c) => c.orders.edges.length === 2,
    },
    {
      mutation: 'createPayment',
      run: async () => {
        const data = await write(CREATE_PAYMENT, { sourceId: 'cnon:card-nonce-ok', amountMoney: usd(250), idempotencyKey: key(), customerId: a.customerId });
        expect(data.createPayment.__typename).toBe('CreatePaymentSuccess');
      },
      read: async () => (await customer()).payments!.edges.length,
      fresh: (count) => count === 2,
    },
    {
      mutation: 'refundPayment',
      run: async () =>
        void (await write(graphql(`mutation CacheRefundPayment($input: RefundPaymentInput!) { refundPayment(input: $input) { __typename } }`), {
          paymentId: a.paymentId,
          amountMoney: usd(100),
          idempotencyKey: key(),
        })),
      read: objects,
      fresh: (o) => o.payment.refundedMoney?.amount === '100',
    },
    {
      mutation: 'unlinkGiftCardFromCustomer',
      run: async () =>
        void (await write(graphql(`mutation CacheUnlinkGiftCard($input: GiftCardCustomerInput!) { unlinkGiftCardFromCustomer(input: $input) { __typename } }`), {
          giftCardId: a.giftCardId,
          customerId: a.customerId,
        })),
      read: customer,
      fresh: (c) => c.giftCards.length === 0,
    },
    {
      mutation: 'incrementGiftCardBalance',
      run: async () =>
        void (await write(graphql(`mutation CacheIncrementGiftCard($input: IncrementGiftCardBalanceInput!) { incrementGiftCardBalance(input: $input) { __typename } }`), {
          giftCardId: a.giftCardId,
          locationId: a.locationId,
          amountMoney: usd(700),
          reason: 'COMPLIMENTARY',
          idempotencyKey: key(),
        })),
      read: async () => (await objects()).giftCard,
      fresh: (g) => g.balanceMoney.amount === '5700',
    },
    {
      mutation: 'deleteCustomer',
      run: async () => void (await write(graphql(`mutation CacheDeleteCustomer($input: DeleteCustomerInput!) { deleteCustomer(input: $input) { __typename } }`), { id: a.customerId })),
      read: async () => (await stack.gql(CachedCustomerDocument, { id: a.customerId })).data!.customer,
      fresh: (c) => c === null,
    },
  ];

  for (const { mutation, run, read, fresh } of writes) {
    it(`reads what ${mutation} changed at once`, async () => {
      await expectCached(stack, read);
      expect(fresh(await read())).toBe(false);
      await run();
      expect(fresh(await read())).toBe(true);
    });
  }

  it('forgets every cached read when told that Square’s data was replaced (the demo emulator’s reset)', async () => {
    const customerId = await newCustomer(stack.square(), 'Before the reset');
    const read = async () => (await stack.gql(CachedCustomerDocument, { id: customerId })).data!.customer;
    await expectCached(stack, read);
    await stack.emulator.reset();
    expect(await read()).not.toBeNull();
    await stack.gateway.forgetCachedReads();
    expect(await read()).toBeNull();
  });
});

describe('cache keys', () => {
  const stack = useGateway({ authMode: 'passthrough', cacheTtlMs: 600_000 });

  it('never give one seller’s cached objects to another', async () => {
    const customerId = await newCustomer(stack.square('seller-a-token'), 'Only A');
    const read = (token: string) => stack.gql(CachedCustomerDocument, { id: customerId }, { token });
    expect((await read('seller-a-token')).data!.customer!.givenName).toBe('Only A');
    await stack.clearCalls();
    expect((await read('seller-a-token')).data!.customer!.givenName).toBe('Only A');
    expect(await stack.calls()).toEqual([]);
    const other = await read('seller-b-token');
    expect(other.errors).toBeUndefined();
    expect(other.data!.customer).toBeNull();
    expect(countCalls(await stack.calls()).BulkRetrieveCustomers).toBe(1);
  });
});

describe('the TTL', () => {
  const stack = useGateway({ cacheTtlMs: 500 });

  it('serves a change nobody told the gateway of once the entry has expired', async () => {
    const square = stack.square();
    const customerId = await newCustomer(square, 'Before');
    const name = async () => (await stack.gql(CachedCustomerDocument, { id: customerId })).data!.customer!.givenName;
    expect(await name()).toBe('Before');
    await square.customers.update({ customerId, givenName: 'After' });
    // No webhook and no write of the gateway's: the entry stands until it expires.
    expect(await name()).toBe('Before');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await name()).toBe('After');
  });
});

describe('the default', () => {
  const stack = useGateway();
  const store = new SqliteEventStore(':memory:');
  const gateways: Gateway[] = [];
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await store.close();
  });
  /** How many Square calls a repeat of one read makes on a gateway with CACHE_TTL_MS unset. */
  const repeatCalls = async (withWebhooks: boolean) => {
    const gateway = createGateway({
      ...gatewayConfig({}),
      squareToken: SERVER_TOKEN,
      squareBaseUrl: stack.emulatorUrl,
      logging: false,
      ...(withWebhooks ? { webhooks: { store, signatureKey: 'key' } } : {}),
    });
    gateways.push(gateway);
    const url = await gateway.listen();
    const customerId = await newCustomer(stack.square(), 'Default');
    const read = () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ customer(id: "${customerId}") { givenName } }` }) });
    await read();
    await stack.clearCalls();
    await read();
    return (await stack.calls()).length;
  };

  it('keeps reads for five minutes when the gateway receives webhooks, and none without them', async () => {
    expect(gatewayConfig({}).cacheTtlMs).toBeUndefined();
    expect(gatewayConfig({ CACHE_TTL_MS: '0' }).cacheTtlMs).toBe(0);
    expect(() => gatewayConfig({ CACHE_TTL_MS: '-1' })).toThrow('CACHE_TTL_MS must be an integer ≥ 0');
    expect(await repeatCalls(true)).toBe(0);
    expect(await repeatCalls(false)).toBe(1);
  });
});
