import { print } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CustomerByIdDocument,
  CustomerOverviewDocument,
  NodeByIdDocument,
  NodeLookupDocument,
  OrderWithCustomerDocument,
} from '../gql/graphql.js';
import { graphql } from '../gql/index.js';
import { globalId } from '../../src/schema/ids.js';
import { countCalls, createTestGateway, useGateway } from '../support/gateway.js';
import { arrangeMerchant, type ArrangedMerchant } from '../support/merchant.js';

const stack = useGateway();
let merchant: ArrangedMerchant;

beforeAll(async () => {
  merchant = await arrangeMerchant(stack.square(), { customers: 12, ordersPerCustomer: 2 });
});

const byId = <T extends { squareId: string }>(items: T[]) => Object.fromEntries(items.map((i) => [i.squareId, i]));

describe('the customer graph', () => {
  it('returns exactly the emulator’s data for customers with everything nested', async () => {
    const result = await stack.gql(CustomerOverviewDocument, { first: 12, ordersFirst: 10 });
    expect(result.errors).toBeUndefined();
    const nodes = result.data!.customers!.edges.map((e) => e.node);
    expect(nodes).toHaveLength(12);
    const square = stack.square();
    for (const node of nodes) {
      const arranged = merchant.customers.find((c) => c.id === node.squareId)!;
      expect(arranged).toBeDefined();
      const { customer } = await square.customers.get({ customerId: node.squareId });
      expect(node).toMatchObject({
        givenName: customer!.givenName,
        familyName: customer!.familyName,
        emailAddress: customer!.emailAddress,
        phoneNumber: customer!.phoneNumber,
        version: String(customer!.version),
      });

      const cards = (await square.cards.list({ customerId: node.squareId })).data;
      expect(node.cards!.map((c) => [c.squareId, c.cardBrand, c.last4, c.expMonth, c.expYear, c.enabled, c.fingerprint])).toEqual(
        cards.map((c) => [c.id, c.cardBrand, c.last4, Number(c.expMonth), Number(c.expYear), c.enabled, c.fingerprint]),
      );

      const giftCards = (await square.giftCards.list({ customerId: node.squareId })).data;
      expect(node.giftCards!.map((g) => [g.squareId, g.gan, g.state, g.balanceMoney?.amount])).toEqual(
        giftCards.map((g) => [g.id, g.gan, g.state, String(g.balanceMoney?.amount)]),
      );

      const orders = await square.orders.search({
        locationIds: [merchant.locationId],
        query: { filter: { customerFilter: { customerIds: [node.squareId] } }, sort: { sortField: 'CREATED_AT', sortOrder: 'DESC' } },
      });
      expect(node.orders!.edges.map((e) => e.node.squareId)).toEqual(orders.orders!.map((o) => o.id));
      const gatewayOrders = byId(node.orders!.edges.map((e) => e.node));
      for (const o of orders.orders!) {
        expect(gatewayOrders[o.id!]).toMatchObject({
          state: o.state,
          totalMoney: { amount: String(o.totalMoney!.amount), currency: o.totalMoney!.currency },
          lineItems: o.lineItems!.map((l) => ({ name: l.name, quantity: l.quantity })),
          tenders: o.tenders!.map((t) => ({ type: t.type, payment: { squareId: t.paymentId } })),
        });
      }

      const paymentIds = orders.orders!.flatMap((o) => o.tenders!.map((t) => t.paymentId!));
      const payments = await Promise.all(paymentIds.map(async (paymentId) => (await square.payments.get({ paymentId })).payment!));
      payments.sort((a, b) => b.createdAt!.localeCompare(a.createdAt!));
      expect(node.payments!.edges.map((e) => e.node)).toEqual(
        payments.map((p) => ({
          squareId: p.id,
          status: p.status,
          sourceType: p.sourceType,
          totalMoney: { amount: String(p.totalMoney!.amount), currency: p.totalMoney!.currency, formatted: expect.stringMatching(/^\$\d+\.\d\d$/) },
          cardDetails: { card: { cardBrand: p.cardDetails!.card!.cardBrand, last4: p.cardDetails!.card!.last4 }, entryMethod: p.cardDetails!.entryMethod },
        })),
      );
    }
  });

  it('spends exactly the planned Square calls: 1 list, N ListCards, N ListGiftCards, ⌈N/10⌉ SearchOrders, one GetPayment per payment', async () => {
    await stack.gql(CustomerOverviewDocument, { first: 1, ordersFirst: 1 }); // warm the per-token location cache
    await stack.clearCalls();
    const result = await stack.gql(CustomerOverviewDocument, { first: 12, ordersFirst: 10 });
    expect(result.errors).toBeUndefined();
    const distinctPayments = new Set(merchant.customers.flatMap((c) => c.paymentIds));
    distinctPayments.add(merchant.onlineOrder.paymentId);
    expect(countCalls(await stack.calls())).toEqual({
      ListCustomers: 1,
      ListCards: 12,
      ListGiftCards: 12,
      SearchOrders: 2,
      GetPayment: distinctPayments.size,
    });
  });

  it('counts a naive plan for comparison: the same data one call per parent would cost far more', async () => {
    // One ListCards, ListGiftCards and SearchOrders per customer, one GetPayment per tender.
    const naive = 1 + 12 * 3 + merchant.customers.reduce((n, c) => n + c.paymentIds.length, 0) + 1;
    const planned = 1 + 12 + 12 + 2 + 25;
    expect(planned).toBeLessThan(naive);
  });

  it('links a Square Online order to the customer who paid it', async () => {
    const { orderId, customerId, paymentId } = merchant.onlineOrder;
    const result = await stack.gql(OrderWithCustomerDocument, { id: orderId });
    expect(result.errors).toBeUndefined();
    expect(result.data!.order).toEqual({
      squareId: orderId,
      customer: { squareId: customerId },
      payments: [{ squareId: paymentId, customer: { squareId: customerId } }],
    });
    const overview = await stack.gql(CustomerOverviewDocument, { first: 12, ordersFirst: 10 });
    const buyer = overview.data!.customers!.edges.find((e) => e.node.squareId === customerId)!.node;
    expect(buyer.orders!.edges.map((e) => e.node.squareId)).toContain(orderId);
  });

  it('lists payments newest first and pages through orders', async () => {
    const first = await stack.gql(
      graphql(`query ReadGraphFirstOrder($id: ID!) { customer(id: $id) { orders(first: 1) { edges { cursor node { squareId } } pageInfo { hasNextPage endCursor } } } }`),
      { id: merchant.customers[0]!.id },
    );
    const page1 = first.data!.customer!.orders!;
    expect(page1.edges).toHaveLength(1);
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const second = await stack.gql(
      graphql(`query ReadGraphNextOrders($id: ID!, $after: String) { customer(id: $id) { orders(first: 5, after: $after) { edges { node { squareId } } pageInfo { hasNextPage } } } }`),
      { id: merchant.customers[0]!.id, after: page1.pageInfo.endCursor },
    );
    const page2 = second.data!.customer!.orders!;
    expect(page2.pageInfo.hasNextPage).toBe(false);
    const all = [page1.edges[0]!.node.squareId, ...page2.edges.map((e) => e.node.squareId)];
    expect(new Set(all)).toEqual(new Set(merchant.customers[0]!.orderIds));
  });
});

describe('lookups by id', () => {
  const ORDER_ID = graphql(`query ReadGraphOrderId($id: ID!) { order(id: $id) { id } }`);

  it('accepts a global id or Square’s own id', async () => {
    const squareId = merchant.customers[1]!.id;
    const bySquareId = await stack.gql(CustomerByIdDocument, { id: squareId });
    expect(bySquareId.data!.customer!.squareId).toBe(squareId);
    const byGlobalId = await stack.gql(CustomerByIdDocument, { id: bySquareId.data!.customer!.id });
    expect(byGlobalId.data!.customer).toEqual(bySquareId.data!.customer);
  });

  it('resolves node and nodes across types', async () => {
    const customer = (await stack.gql(CustomerByIdDocument, { id: merchant.customers[2]!.id })).data!.customer!;
    const order = (await stack.gql(ORDER_ID, { id: merchant.customers[2]!.orderIds[0]! })).data!.order!;
    const result = await stack.gql(NodeLookupDocument, { ids: [customer.id, order.id] });
    expect(result.data!.nodes).toEqual([
      { id: customer.id, __typename: 'Customer' },
      { id: order.id, __typename: 'Order' },
    ]);
  });

  it('gives null for ids the seller does not have', async () => {
    const result = await stack.gql(
      graphql(`query ReadGraphUnknownIds { customer(id: "ZZZZZZZZZZZZZZZZZZZZZZZZZZ") { id } order(id: "nOrderThatDoesNotExist00000") { id }
         payment(id: "nPaymentThatDoesNotExist0000") { id } card(id: "ccof:doesnotexist") { id }
         giftCard(id: "gftc:doesnotexist") { id } refund(id: "nope_nope") { id } location(id: "LNOPE") { id }
         giftCardByGan(gan: "7783000000000001") { id } }`),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      customer: null,
      order: null,
      payment: null,
      card: null,
      giftCard: null,
      refund: null,
      location: null,
      giftCardByGan: null,
    });
  });

  it('refuses malformed ids and ids of another type with BAD_USER_INPUT', async () => {
    const orderGlobalId = (await stack.gql(ORDER_ID, { id: merchant.customers[0]!.orderIds[0]! })).data!.order!.id;
    for (const id of ['not an id!', '', orderGlobalId]) {
      const result = await stack.gql(CustomerByIdDocument, { id });
      expect(result.data!.customer).toBeNull();
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const foreign = await stack.gql(CustomerByIdDocument, { id: orderGlobalId });
    expect(foreign.errors![0]!.message).toBe('The id given is the id of an Order, not of a Customer.');
  });

  /** Ids that are no object's id: junk, Square's own id, ids of types that cannot be looked up, and ids meant to reach internals. */
  const base64 = (text: string) => Buffer.from(text).toString('base64');
  const badNodeIds = [
    '__proto__',
    'constructor',
    '',
    'not an id!',
    base64('foobar'),
    base64('Money:1'),
    base64('__proto__:x'),
    base64('GiftCardActivity:gcact_1'),
    base64('Payment:'),
    'K3Bxvv3WcGi3Ah7AHRQNSRTcNCeZY',
    'A'.repeat(100_000),
  ];

  it('refuses any id that is not an object’s id in node with a plain BAD_USER_INPUT', async () => {
    await stack.clearCalls();
    for (const id of badNodeIds) {
      const result = await stack.gql(NodeByIdDocument, { id });
      expect(result.data).toEqual({ node: null });
      expect(result.errors).toHaveLength(1);
      const [error] = result.errors!;
      expect(error!.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'id' });
      expect(error!.path).toEqual(['node']);
      expect(error!.message).toMatch(/is not an object's id: pass the id field of a BulkOperation, Card, CatalogItem, Customer, CustomerGroup, CustomerSegment, GiftCard, Location, LoyaltyAccount, LoyaltyProgram, Order, Payment or Refund\./);
      expect(error!.message).not.toMatch(/implemented|support|Invalid global ID|Unexpected/i);
      expect(error!.message.length).toBeLessThan(400);
    }
    expect(await stack.calls()).toEqual([]);
  });

  it('fails only the entry of nodes whose id is bad, at its own path', async () => {
    const customer = (await stack.gql(CustomerByIdDocument, { id: merchant.customers[3]!.id })).data!.customer!;
    const orderId = globalId('Order', merchant.customers[3]!.orderIds[0]!);
    const result = await stack.gql(NodeLookupDocument, { ids: [customer.id, '__proto__', orderId, base64('Money:1'), globalId('Payment', 'nope')] });
    expect(result.data!.nodes).toEqual([
      { id: customer.id, __typename: 'Customer' },
      null,
      { id: orderId, __typename: 'Order' },
      null,
      null,
    ]);
    expect(result.errors!.map((e) => [e.path, e.extensions])).toEqual([
      [['nodes', 1], { code: 'BAD_USER_INPUT', argument: 'ids' }],
      [['nodes', 3], { code: 'BAD_USER_INPUT', argument: 'ids' }],
    ]);
  });

  it('looks up the customers of nodes in one BulkRetrieveCustomers, and fails only the entry whose Square call failed', async () => {
    const customerIds = merchant.customers.slice(0, 3).map((c) => globalId('Customer', c.id));
    await stack.clearCalls();
    await fetch(`${stack.emulatorUrl}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'GET', path: '/v2/payments/*', status: 500, count: 1 }),
    });
    const result = await stack.gql(NodeLookupDocument, { ids: [...customerIds, globalId('Payment', 'failing')] });
    await fetch(`${stack.emulatorUrl}/_emulator/faults`, { method: 'DELETE' });
    expect(result.data!.nodes).toEqual([...customerIds.map((id) => ({ id, __typename: 'Customer' })), null]);
    expect(result.errors!.map((e) => [e.path, e.extensions!.code])).toEqual([[['nodes', 3], 'UPSTREAM_ERROR']]);
    expect(countCalls(await stack.calls())).toEqual({ BulkRetrieveCustomers: 1, GetPayment: 1 });
  });

  it('gives null without an error for a well-formed id the seller does not have', async () => {
    for (const type of ['Customer', 'Card', 'GiftCard', 'Order', 'Payment', 'Refund', 'Location'] as const) {
      const result = await stack.gql(NodeByIdDocument, { id: globalId(type, 'doesnotexist') });
      expect(result).toMatchObject({ data: { node: null } });
      expect(result.errors).toBeUndefined();
    }
  });
});

describe('failures upstream', () => {
  it('fails only the field whose Square call failed, leaving the rest of the response', async () => {
    await fetch(`${stack.emulatorUrl}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'GET', path: '/v2/cards', status: 500, count: 1 }),
    });
    const result = await stack.gql(CustomerOverviewDocument, { first: 12, ordersFirst: 2 });
    await fetch(`${stack.emulatorUrl}/_emulator/faults`, { method: 'DELETE' });
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', square: { statusCode: 500 } });
    expect(result.errors![0]!.path).toEqual(['customers', 'edges', expect.any(Number), 'node', 'cards']);
    const nodes = result.data!.customers!.edges.map((e) => e.node);
    expect(nodes).toHaveLength(12);
    expect(nodes.filter((n) => n.cards === null)).toHaveLength(1);
    expect(nodes.every((n) => n.orders !== null && n.giftCards !== null)).toBe(true);
  });

  it('maps Square’s rate limiting to RATE_LIMITED', async () => {
    await fetch(`${stack.emulatorUrl}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'POST', path: '/v2/customers/bulk-retrieve', status: 429, count: 1 }),
    });
    const result = await stack.gql(CustomerByIdDocument, { id: merchant.customers[5]!.id });
    await fetch(`${stack.emulatorUrl}/_emulator/faults`, { method: 'DELETE' });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', square: { code: 'RATE_LIMITED' } });
  });

  it('says so when Square does not answer in time, and when it cannot be reached', async () => {
    const impatient = createTestGateway(stack.emulatorUrl, { timeoutSeconds: 0.2 });
    const unreachable = createTestGateway('http://127.0.0.1:9'); // the discard port: nothing listens there
    try {
      await fetch(`${stack.emulatorUrl}/_emulator/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ path: '/v2/customers/bulk-retrieve', latency_ms: 1_000, count: 1 }),
      });
      const query = { query: print(graphql(`query ReadGraphSlowCustomer($id: ID!) { customer(id: $id) { squareId } }`)), variables: { id: merchant.customers[6]!.id } };
      const ask = async (url: string) => {
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(query) });
        return (await response.json()) as { data: unknown; errors: Array<{ message: string; extensions: unknown }> };
      };
      const late = await ask(await impatient.listen());
      expect(late.errors[0]).toMatchObject({ message: 'Square did not answer in time.', extensions: { code: 'UPSTREAM_TIMEOUT' } });
      const gone = await ask(await unreachable.listen());
      expect(gone.errors[0]).toMatchObject({ message: 'Square could not be reached.', extensions: { code: 'UPSTREAM_ERROR' } });
    } finally {
      await fetch(`${stack.emulatorUrl}/_emulator/faults`, { method: 'DELETE' });
      await impatient.close();
      await unreachable.close();
    }
  });
});
