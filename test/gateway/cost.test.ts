import { randomUUID } from 'node:crypto';
import { complexityFromQuery } from '@pothos/plugin-complexity';
import { print } from 'graphql';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ApiKeyRing, DEFAULT_KEY_BUDGET, generateKey } from '../../src/gateway/api-keys.js';
import { schema } from '../../src/schema/index.js';
import { SQUARE_CALL_COST } from '../../src/schema/query-cost.js';
import { SquareBudget } from '../../src/square/budget.js';
import {
  CreateCustomerDocument,
  CustomerByIdDocument,
  CustomerOverviewDocument,
  TenderPaymentsDocument,
  TenderPaymentsWithReceiptDocument,
} from '../gql/graphql.js';
import { graphql } from '../gql/index.js';
import { countCalls, createTestGateway, useGateway, type TestStack } from '../support/gateway.js';
import { arrangeMerchant } from '../support/merchant.js';
import { subscribeSse } from '../support/sse.js';
import { REDIS_URL, testPrefix } from '../support/redis.js';

// customer(id:) is one Square call (50) and a field (1); id, squareId and givenName a field each.
const CUSTOMER_BY_ID_COST = 54;

const everything = ['CUSTOMERS_READ', 'CUSTOMERS_WRITE', 'PAYMENTS_READ', 'ORDERS_READ', 'GIFTCARDS_READ', 'MERCHANT_PROFILE_READ'] as const;
const roomy = generateKey('roomy', [...everything]);
const tight = generateKey('tight', ['CUSTOMERS_READ']);
const other = generateKey('other', ['CUSTOMERS_READ']);
const frugal = generateKey('frugal', [...everything]);
const payer = generateKey('payer', [...everything]);
const keysFile = JSON.stringify({
  defaultBudget: { costPerSecond: 100_000, burst: 200_000 },
  keys: [
    roomy.entry,
    // Room for one CustomerById (54) but not two; nothing comes back within a test.
    { ...tight.entry, budget: { costPerSecond: 0.01, burst: 100 } },
    { ...other.entry, budget: { costPerSecond: 0.01, burst: 100 } },
    { ...frugal.entry, budget: { costPerSecond: 0.01, burst: 100_000 } },
    { ...payer.entry, budget: { costPerSecond: 0.01, burst: 100_000 } },
  ],
});
const apiKeys = () => ApiKeyRing.parse(keysFile, 'test keys');
const as = (key: { key: string }) => ({ headers: { 'x-api-key': key.key } });

interface Cost {
  requestedQueryCost: number;
  actualQueryCost: number;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } | null;
  apiKeyThrottleStatus?: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}
const costOf = (result: object) => (result as { extensions?: { cost: Cost } }).extensions?.cost;

describe('extensions.cost', () => {
  // A seller budget that restores next to nothing during the test, so that what is left is what was spent.
  const stack = useGateway({ apiKeys: apiKeys(), budget: { ratePerSecond: 0.001, burst: 1_000 } });
  let customerId: string;
  let threeTendersOrderId: string;
  beforeAll(async () => {
    const square = stack.square();
    const merchant = await arrangeMerchant(square, { customers: 3, ordersPerCustomer: 1 });
    const customer = merchant.customers[0]!;
    customerId = customer.id;
    const { order } = await square.orders.create({
      idempotencyKey: randomUUID(),
      order: { locationId: merchant.locationId, lineItems: [{ name: 'Beans', quantity: '1', basePriceMoney: { amount: 900n, currency: 'USD' } }] },
    });
    threeTendersOrderId = order!.id!;
    for (let i = 0; i < 3; i++) {
      await square.payments.create({
        idempotencyKey: randomUUID(),
        orderId: threeTendersOrderId,
        locationId: merchant.locationId,
        sourceId: customer.cardIds[0]!,
        customerId,
        amountMoney: { amount: 300n, currency: 'USD' },
      });
    }
  });

  it('on a query: what it was measured at, and Square calls as many as the emulator received', async () => {
    await stack.clearCalls();
    const result = await stack.gql(CustomerOverviewDocument, { first: 3, ordersFirst: 5 }, as(roomy));
    expect(result.errors).toBeUndefined();
    const cost = costOf(result)!;
    // The limits' measure, less the GetPayments of the tenders' payments (3 customers × 5 orders × 10 tenders), which select only tender-held fields.
    const measured = complexityFromQuery(CustomerOverviewDocument, { schema, variables: { first: 3, ordersFirst: 5 } }).complexity;
    expect(cost.requestedQueryCost).toBe(measured - 3 * 5 * 10 * SQUARE_CALL_COST);
    expect(cost.actualQueryCost).toBeGreaterThan(5);
    expect(cost.actualQueryCost).toBe((await stack.calls()).length);

    await stack.clearCalls();
    const one = await stack.gql(CustomerByIdDocument, { id: customerId }, as(roomy));
    expect(costOf(one)).toMatchObject({ requestedQueryCost: CUSTOMER_BY_ID_COST, actualQueryCost: (await stack.calls()).length });
  });

  it('throttleStatus is the seller’s Square budget, less each call made', async () => {
    const before = costOf(await stack.gql(CustomerByIdDocument, { id: customerId }, as(roomy)))!;
    expect(before.throttleStatus).toMatchObject({ maximumAvailable: 1_000, restoreRate: 0.001 });
    const after = costOf(await stack.gql(CustomerOverviewDocument, { first: 3, ordersFirst: 5 }, as(roomy)))!;
    expect(after.throttleStatus!.currentlyAvailable).toBe(before.throttleStatus!.currentlyAvailable - after.actualQueryCost);
    // A key with no budget of its own has the file's default.
    expect(after.apiKeyThrottleStatus).toMatchObject({ maximumAvailable: 200_000, restoreRate: 100_000 });
  });

  it('on a mutation', async () => {
    await stack.clearCalls();
    const variables = { input: { idempotencyKey: randomUUID(), givenName: 'Ada' } };
    const result = await stack.gql(CreateCustomerDocument, variables, as(roomy));
    expect(result.data?.createCustomer?.__typename).toBe('CreateCustomerSuccess');
    const cost = costOf(result)!;
    expect(cost.requestedQueryCost).toBe(complexityFromQuery(CreateCustomerDocument, { schema, variables }).complexity);
    expect(cost.actualQueryCost).toBe((await stack.calls()).length);
    expect(cost.actualQueryCost).toBeGreaterThan(0);
  });

  it('counts no GetPayment for a tender’s payment that selects only what the tender holds, as its resolver makes none', async () => {
    const variables = { id: 'no-such-order' };
    const measured = (document: typeof TenderPaymentsDocument) => complexityFromQuery(document, { schema, variables }).complexity;
    const held = costOf(await stack.gql(TenderPaymentsDocument, variables, as(roomy)))!;
    // `tenders` may hold 10: the query limits count a GetPayment for each, the cost a client is told none.
    expect(held.requestedQueryCost).toBe(measured(TenderPaymentsDocument) - 10 * SQUARE_CALL_COST);
    const withReceipt = costOf(await stack.gql(TenderPaymentsWithReceiptDocument, variables, as(roomy)))!;
    expect(withReceipt.requestedQueryCost).toBe(measured(TenderPaymentsWithReceiptDocument));
  });

  it('counts two payments an order, and adds each GetPayment past them to the cost and the key’s charge as it is made', async () => {
    const document = graphql(`query CostOrderPayments($id: ID!) { order(id: $id) { payments { createdAt } } }`);
    const variables = { id: threeTendersOrderId };
    await stack.clearCalls();
    const cost = costOf(await stack.gql(document, variables, as(payer)))!;
    const calls = countCalls(await stack.calls());
    expect(calls.GetPayment).toBe(3);
    expect(cost.actualQueryCost).toBe(Object.values(calls).reduce((a, b) => a + b, 0));
    // Measured at two GetPayments; the third is added when the order's tenders show it.
    expect(cost.requestedQueryCost).toBe(complexityFromQuery(document, { schema, variables }).complexity + SQUARE_CALL_COST);
    expect(cost.requestedQueryCost).toBeGreaterThanOrEqual(cost.actualQueryCost * SQUARE_CALL_COST);
    expect(cost.apiKeyThrottleStatus!.currentlyAvailable).toBe(100_000 - cost.actualQueryCost * SQUARE_CALL_COST);
  });

  it('on each part of a deferred response, the last with the request’s final Square calls', async () => {
    await stack.clearCalls();
    const response = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'x-api-key': roomy.key },
      body: JSON.stringify({
        query: print(graphql(`query CostDeferred { customers(first: 3) { edges { node { givenName ... @defer { cards { squareId } giftCards { squareId } } } } } }`)),
      }),
    });
    const parts = (await response.text())
      .split('\n\n')
      .filter((e) => e.startsWith('event: next'))
      .map((e) => JSON.parse(e.slice(e.indexOf('data: ') + 6)) as { hasNext: boolean; extensions?: { cost: Cost } });
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.at(-1)!.hasNext).toBe(false);
    const costs = parts.map((p) => p.extensions?.cost);
    expect(costs.every((c) => c && c.requestedQueryCost === costs[0]!.requestedQueryCost && c.requestedQueryCost > 0)).toBe(true);
    // ListCustomers, then a ListCards and a ListGiftCards per customer.
    expect(costs[0]!.actualQueryCost).toBeGreaterThanOrEqual(1);
    expect(costs.at(-1)!.actualQueryCost).toBe((await stack.calls()).length);
    expect(costs.at(-1)!.actualQueryCost).toBe(7);
    expect(costs.at(-1)!.throttleStatus).toMatchObject({ maximumAvailable: 1_000 });
  });

  describe('throttleStatus', () => {
    afterEach(() => vi.restoreAllMocks());

    it('is the bucket as the request’s own calls and charge left it: the store is asked again only for a request that made no call', async () => {
      const peek = vi.spyOn(SquareBudget.prototype, 'peek');
      const made = costOf(await stack.gql(CustomerByIdDocument, { id: customerId }, as(roomy)))!;
      expect(made.actualQueryCost).toBe(1);
      expect(made.throttleStatus).toMatchObject({ maximumAvailable: 1_000 });
      expect(made.apiKeyThrottleStatus).toMatchObject({ maximumAvailable: 200_000 });
      expect(peek).not.toHaveBeenCalled();

      const none = costOf(await stack.gql(graphql(`query CostNoCall { __typename }`), undefined, as(roomy)))!;
      expect(none).toMatchObject({ actualQueryCost: 0, throttleStatus: made.throttleStatus });
      expect(peek).toHaveBeenCalledTimes(1);
    });
  });

  it('on error responses: a syntax error, an invalid document, an unknown key, a query too complex', async () => {
    const syntax = await stack.gql('{ customer(id: ', undefined, as(roomy));
    expect(syntax.errors![0]!.extensions!.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(costOf(syntax)).toMatchObject({ requestedQueryCost: 0, actualQueryCost: 0 });

    const invalid = await stack.gql('{ customer { nope } }', undefined, as(roomy));
    expect(invalid.errors![0]!.extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(costOf(invalid)).toMatchObject({ requestedQueryCost: 0, actualQueryCost: 0 });

    // A caller who did not get through learns nothing of the seller's budget.
    const unknown = await stack.gql(CustomerByIdDocument, { id: customerId }, { headers: { 'x-api-key': 'gk_nope' } });
    expect(unknown.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED');
    expect(costOf(unknown)).toEqual({ requestedQueryCost: 0, actualQueryCost: 0, throttleStatus: null });

    await stack.clearCalls();
    const tooComplex = await stack.gql(
      graphql(`query CostTooComplex { customers(first: 100) { edges { node { orders(first: 100) { edges { node { payments { refunds { id } } } } } } } } }`),
      undefined,
      as(roomy),
    );
    expect(tooComplex.errors![0]!.extensions!.code).toBe('QUERY_TOO_COMPLEX');
    expect(costOf(tooComplex)).toMatchObject({ actualQueryCost: 0, throttleStatus: { maximumAvailable: 1_000 } });
    expect(costOf(tooComplex)!.requestedQueryCost).toBe(tooComplex.errors![0]!.extensions!.value);
    expect(await stack.calls()).toEqual([]);
  });
});

describe('each API key’s budget', () => {
  const stack = useGateway({ apiKeys: apiKeys() });
  let customerId: string;
  beforeAll(async () => {
    customerId = (await arrangeMerchant(stack.square(), { customers: 1, ordersPerCustomer: 0 })).customers[0]!.id;
  });

  it('refuses an operation costing more than the key has left with THROTTLED and a retry hint, before any Square call; another key is not touched', async () => {
    const first = await stack.gql(CustomerByIdDocument, { id: customerId }, as(tight));
    expect(first.errors).toBeUndefined();
    // Charged 54 up front, it keeps 50 for its one Square call and gives the rest back.
    const left = 100 - costOf(first)!.actualQueryCost * SQUARE_CALL_COST;
    expect(left).toBe(50);
    expect(costOf(first)!.apiKeyThrottleStatus).toEqual({ maximumAvailable: 100, currentlyAvailable: left, restoreRate: 0.01 });

    await stack.clearCalls();
    const response = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': tight.key },
      body: JSON.stringify({ query: print(graphql(`query CostOverBudget { customer(id: "x") { id squareId givenName } }`)) }),
    });
    expect(response.status).toBe(200);
    const refused = (await response.json()) as { data?: unknown; errors: Array<{ extensions: Record<string, unknown> }>; extensions: unknown };
    expect(refused.data).toBeUndefined();
    const retryAfterSeconds = Math.ceil((CUSTOMER_BY_ID_COST - left) / 0.01);
    expect(refused.errors[0]!.extensions).toMatchObject({ code: 'THROTTLED', requestedQueryCost: CUSTOMER_BY_ID_COST });
    expect(refused.errors[0]!.extensions.retryAfterSeconds).toBeGreaterThanOrEqual(retryAfterSeconds - 1);
    expect(refused.errors[0]!.extensions.retryAfterSeconds).toBeLessThanOrEqual(retryAfterSeconds);
    expect(response.headers.get('retry-after')).toBe(String(refused.errors[0]!.extensions.retryAfterSeconds));
    // The same budget in the IETF's RateLimit fields: 100 restored over 10,000 s, 50 left, full again in 5,000 s (to the second).
    expect(response.headers.get('ratelimit-policy')).toBe('"api-key";q=100;w=10000');
    expect(response.headers.get('ratelimit')).toMatch(/^"api-key";r=50;t=(4999|5000)$/);
    expect(costOf(refused)).toMatchObject({ requestedQueryCost: CUSTOMER_BY_ID_COST, actualQueryCost: 0 });
    expect(await stack.calls()).toEqual([]);

    const otherKey = await stack.gql(CustomerByIdDocument, { id: customerId }, as(other));
    expect(otherKey.errors).toBeUndefined();
    expect(otherKey.data?.customer?.squareId).toBe(customerId);
  });

  it('gives back, once the operation is done, what it was charged beyond its Square calls', async () => {
    const result = await stack.gql(CustomerOverviewDocument, { first: 1, ordersFirst: 5 }, as(frugal));
    expect(result.errors).toBeUndefined();
    const cost = costOf(result)!;
    expect(cost.requestedQueryCost).toBeGreaterThan(cost.actualQueryCost * SQUARE_CALL_COST);
    expect(cost.apiKeyThrottleStatus!.currentlyAvailable).toBe(100_000 - cost.actualQueryCost * SQUARE_CALL_COST);
    // An operation Square could answer without a call is given all of it back.
    const free = costOf(await stack.gql(graphql(`query CostFree { __typename }`), undefined, as(frugal)))!;
    expect(free.apiKeyThrottleStatus!.currentlyAvailable).toBe(100_000 - cost.actualQueryCost * SQUARE_CALL_COST);
  });

  it('refuses an operation costing more than the key’s burst, with no retry hint (waiting would not help)', async () => {
    const result = await stack.gql(CustomerOverviewDocument, { first: 3, ordersFirst: 5 }, as(other));
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'THROTTLED', maximumAvailable: 100 });
    expect(result.errors![0]!.extensions!.retryAfterSeconds).toBeUndefined();
  });
});

describe.skipIf(!REDIS_URL)('an API key’s budget across instances, in Redis', () => {
  const stack: TestStack = useGateway();
  const prefix = testPrefix();
  const gateways: Array<ReturnType<typeof createTestGateway>> = [];
  const redis = new Redis(REDIS_URL!);
  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await redis.quit();
  });

  it('is spent once by a fleet: what one instance took, another does not grant again', async () => {
    const customerId = (await arrangeMerchant(stack.square(), { customers: 1, ordersPerCustomer: 0 })).customers[0]!.id;
    const urls: string[] = [];
    for (let i = 0; i < 2; i++) {
      const gateway = createTestGateway(stack.emulatorUrl, { apiKeys: apiKeys(), redisUrl: REDIS_URL, pubsubPrefix: prefix });
      gateways.push(gateway);
      urls.push(await gateway.listen());
    }
    const ask = async (url: string) =>
      (await (
        await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': tight.key },
          body: JSON.stringify({ query: '{ customer(id: "' + customerId + '") { id squareId givenName } }' }),
        })
      ).json()) as { errors?: Array<{ extensions: { code: string } }>; extensions: { cost: Cost } };
    // Until an instance's Redis connection is up it budgets on its own: wait until both spend in Redis.
    const roomyBucket = `${prefix}square-budget:api-key:${roomy.entry.sha256}`;
    for (const url of urls) {
      await redis.del(roomyBucket);
      await expect
        .poll(async () => {
          await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': roomy.key }, body: '{"query":"{ __typename }"}' });
          return redis.exists(roomyBucket);
        })
        .toBe(1);
    }
    const first = await ask(urls[0]!);
    expect(first.errors).toBeUndefined();
    const second = await ask(urls[1]!);
    expect(second.errors?.[0]?.extensions.code).toBe('THROTTLED');
    expect(second.extensions.cost.apiKeyThrottleStatus?.currentlyAvailable).toBe(100 - first.extensions.cost.actualQueryCost * SQUARE_CALL_COST);
  });
});

describe('budgets in the keys file', () => {
  it('refuses a budget that is not a positive cost per second and burst, naming where', () => {
    const bad = JSON.stringify({ keys: [{ ...tight.entry, budget: { costPerSecond: 0, burst: 100 } }] });
    expect(() => ApiKeyRing.parse(bad, 'keys.json')).toThrow(/keys\.json is not a valid keys file: keys\.0\.budget\.costPerSecond/);
  });

  it('gives a key without one the file’s default, or the gateway’s', () => {
    const withDefault = ApiKeyRing.parse(JSON.stringify({ defaultBudget: { costPerSecond: 5, burst: 50 }, keys: [roomy.entry] }), 'k');
    expect(withDefault.find(roomy.key)!.budget).toEqual({ costPerSecond: 5, burst: 50 });
    expect(ApiKeyRing.parse(JSON.stringify({ keys: [roomy.entry] }), 'k').find(roomy.key)!.budget).toEqual(DEFAULT_KEY_BUDGET);
  });
});

describe('a subscription and its key’s budget', () => {
  const streamer = generateKey('streamer', ['ORDERS_READ']);
  // orderUpdated { squareId } costs 2 (two fields; the event's read is not planned): one subscription, not two.
  const stack = useGateway({
    webhooks: true,
    apiKeys: ApiKeyRing.parse(JSON.stringify({ keys: [{ ...streamer.entry, budget: { costPerSecond: 0.01, burst: 3 } }] }), 'test keys'),
  });

  it('is charged once, when it starts; one the key cannot pay for is THROTTLED', async () => {
    const query = print(graphql(`subscription CostOrderUpdates { orderUpdated { squareId } }`));
    const first = await subscribeSse(stack.url, query, {}, { headers: { 'x-api-key': streamer.key } });
    const second = await subscribeSse(stack.url, query, {}, { headers: { 'x-api-key': streamer.key } });
    const refusal = await second.next();
    expect(refusal.errors?.[0]?.extensions).toMatchObject({ code: 'THROTTLED', requestedQueryCost: 2 });
    expect(costOf(refusal)).toMatchObject({ requestedQueryCost: 2, actualQueryCost: 0, apiKeyThrottleStatus: { currentlyAvailable: 1 } });
    expect(first.completed).toBe(false);
    first.close();
    second.close();
  });
});

describe('a subscription’s events', () => {
  const stack = useGateway({ webhooks: true });

  it('each carry the Square calls of their own reads', async () => {
    const square = stack.square();
    const locationId = (await square.locations.list()).locations![0]!.id!;
    const subscription = await subscribeSse(stack.url, print(graphql(`subscription CostOrderStates { orderUpdated { squareId state } }`)));
    const costs: Cost[] = [];
    try {
      for (const name of ['First', 'Second']) {
        const { order } = await square.orders.create({
          idempotencyKey: randomUUID(),
          order: { locationId, lineItems: [{ name, quantity: '1', basePriceMoney: { amount: 100n, currency: 'USD' } }] },
        });
        const event = await subscription.next();
        expect(event.data?.orderUpdated?.squareId).toBe(order!.id);
        costs.push(costOf(event)!);
      }
    } finally {
      subscription.close();
    }
    // Each event reads its order once (BatchRetrieveOrders): the second tells its own call, not the sum.
    expect(costs.map((c) => c.actualQueryCost)).toEqual([1, 1]);
    expect(costs[0]!.requestedQueryCost).toBe(3);
    expect(costs[0]!.throttleStatus).toMatchObject({ maximumAvailable: 10_000 });
  });
});
