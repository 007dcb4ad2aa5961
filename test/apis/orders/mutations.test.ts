import type { DocumentNode } from 'graphql';
import type { Square } from 'square';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyRing, generateKey } from '../../../src/gateway/api-keys.js';
import { ChargeCustomerDocument, CreateOrderDocument, CreatePaymentDocument, LinkGiftCardToCustomerDocument, PayOrderDocument } from '../../gql/graphql.js';
import { graphql } from '../../gql/index.js';
import { key } from '../../support/fixtures.js';
import { useGateway } from '../../support/gateway.js';
import { newCard, newGiftCard, usd } from '../../support/payments.js';

const stack = useGateway();

// The writes' answers are read as plain JSON, every member of their unions alike.
const CREATE: DocumentNode = graphql(`mutation OrdersWriteCreate($input: CreateOrderInput!) {
  createOrder(input: $input) {
    __typename
    ... on CreateOrderSuccess {
      order {
        squareId state version referenceId source { name } location { id }
        customer { squareId orders(first: 50) { edges { node { squareId } } } }
        lineItems { name quantity note basePriceMoney { amount } totalDiscountMoney { amount } totalTaxMoney { amount } totalMoney { amount } }
        taxes { uid name percentage scope appliedMoney { amount } }
        discounts { uid name type scope appliedMoney { amount } }
        totalMoney { amount currency } totalTaxMoney { amount } totalDiscountMoney { amount } netAmountDueMoney { amount }
      }
    }
    ... on Error { message code }
    ... on ValidationError { field }
  }
}`);

const PAY: DocumentNode = graphql(`mutation OrdersWritePay($input: PayOrderInput!) {
  payOrder(input: $input) {
    __typename
    ... on PayOrderSuccess { order { squareId state version netAmountDueMoney { amount } tenders { amountMoney { amount } payment { squareId status } } } }
    ... on Error { message code }
    ... on ValidationError { field }
  }
}`);

/** A two-line order with an order-wide tax and a discount on one line. */
const cafeOrder = (customerId: string | undefined, idempotencyKey = key()) => ({
  customerId,
  referenceId: 'table-7',
  source: 'Sunset service',
  lineItems: [
    { name: 'Latte', quantity: '2', basePriceMoney: usd(450), note: 'oat milk' },
    { name: 'Muffin', quantity: '1', basePriceMoney: usd(325), appliedDiscountUids: ['treat'] },
  ],
  taxes: [{ uid: 'vat', name: 'Sales tax', percentage: '8.5' }],
  discounts: [{ uid: 'treat', name: 'Dollar off', type: 'FIXED_AMOUNT', amountMoney: usd(100), scope: 'LINE_ITEM' }],
  idempotencyKey,
});

let locationId: string;
let customerId: string;

beforeAll(async () => {
  const square = stack.square();
  locationId = (await square.locations.list()).locations![0]!.id!;
  const { customer } = await square.customers.create({ idempotencyKey: key(), givenName: 'Grace', emailAddress: 'grace@example.com' });
  customerId = customer!.id!;
});

async function createOrder(input: Record<string, unknown>) {
  const result = await stack.gql(CREATE, { input });
  return result.data.createOrder;
}

/** Approved (authorized, not captured) card payments against an order. */
async function approvedPayments(orderId: string, amounts: number[]): Promise<string[]> {
  const ids: string[] = [];
  for (const amount of amounts) {
    const { payment } = await stack.square().payments.create({
      idempotencyKey: key(),
      sourceId: 'cnon:card-nonce-ok',
      autocomplete: false,
      orderId,
      locationId,
      customerId,
      amountMoney: { amount: BigInt(amount), currency: 'USD' },
    });
    expect(payment!.status).toBe('APPROVED');
    ids.push(payment!.id!);
  }
  return ids;
}

const amountOf = (m: Square.Money | undefined) => String(m?.amount ?? 0n);

describe('createOrder', () => {
  it('creates an order linked to the customer at the main location, priced as Square prices it', async () => {
    const result = await createOrder(cafeOrder(customerId));
    expect(result.__typename).toBe('CreateOrderSuccess');
    const order = result.order;
    expect(order).toMatchObject({ state: 'OPEN', referenceId: 'table-7', source: { name: 'Sunset service' } });
    expect(order.customer.squareId).toBe(customerId);
    expect(order.lineItems.map((l: { name: string; quantity: string; note: string | null }) => [l.name, l.quantity, l.note])).toEqual([
      ['Latte', '2', 'oat milk'],
      ['Muffin', '1', null],
    ]);
    // The linked customer's orders include it at once, in the same response.
    expect(order.customer.orders.edges.map((e: { node: { squareId: string } }) => e.node.squareId)).toContain(order.squareId);

    const { order: stored } = await stack.square().orders.get({ orderId: order.squareId });
    expect(stored!.locationId).toBe(locationId);
    expect(stored!.customerId).toBe(customerId);
    expect(order.totalMoney).toEqual({ amount: amountOf(stored!.totalMoney), currency: 'USD' });
    expect(order.totalTaxMoney.amount).toBe(amountOf(stored!.totalTaxMoney));
    expect(order.totalDiscountMoney.amount).toBe(amountOf(stored!.totalDiscountMoney));
    expect(order.netAmountDueMoney.amount).toBe(amountOf(stored!.netAmountDueMoney));
    expect(order.lineItems.map((l: { totalMoney: { amount: string } }) => l.totalMoney.amount)).toEqual(
      stored!.lineItems!.map((l) => amountOf(l.totalMoney)),
    );
    // 900 + (325 - 100) before tax; the tax and discount were applied.
    expect(order.totalDiscountMoney.amount).toBe('100');
    expect(Number(order.totalTaxMoney.amount)).toBeGreaterThan(0);
    expect(Number(order.totalMoney.amount)).toBe(1125 + Number(order.totalTaxMoney.amount));
    expect(order.taxes).toEqual([
      { uid: 'vat', name: 'Sales tax', percentage: '8.5', scope: 'ORDER', appliedMoney: { amount: order.totalTaxMoney.amount } },
    ]);

    const later = await stack.gql(graphql(`query OrdersWriteOfCustomer($id: ID!) { customer(id: $id) { orders(first: 50) { edges { node { squareId } } } } }`), {
      id: customerId,
    });
    expect(later.data!.customer!.orders!.edges.map((e) => e.node.squareId)).toContain(order.squareId);
    const byFilter = await stack.gql(graphql(`query OrdersWriteByFilter($ids: [ID!]) { orders(first: 50, filter: { customerIds: $ids }) { edges { node { squareId } } } }`), {
      ids: [customerId],
    });
    expect(byFilter.data!.orders!.edges.map((e) => e.node.squareId)).toContain(order.squareId);
  });

  it('takes an explicit location and no customer, and a line priced at 0', async () => {
    const location = await stack.gql(graphql(`query OrdersWriteLocations { locations { id squareId } }`));
    const result = await createOrder({
      locationId: location.data!.locations![0]!.id,
      lineItems: [{ name: 'Water', quantity: '1', basePriceMoney: usd(0) }],
      idempotencyKey: key(),
    });
    expect(result.__typename).toBe('CreateOrderSuccess');
    expect(result.order).toMatchObject({ customer: null, totalMoney: { amount: '0', currency: 'USD' } });
  });

  it('returns the same order for a retry with the same key, and refuses the key for another order', async () => {
    const idempotencyKey = key();
    const first = await createOrder(cafeOrder(customerId, idempotencyKey));
    const again = await createOrder(cafeOrder(customerId, idempotencyKey));
    expect(again.order.squareId).toBe(first.order.squareId);
    const other = await createOrder({ ...cafeOrder(customerId, idempotencyKey), referenceId: 'table-8' });
    expect(other).toMatchObject({ __typename: 'ConflictError', code: 'IDEMPOTENCY_KEY_REUSED' });
    const { orders } = await stack.square().orders.search({
      locationIds: [locationId],
      query: { filter: { customerFilter: { customerIds: [customerId] } } },
    });
    expect(orders!.filter((o) => o.id === first.order.squareId)).toHaveLength(1);
  });

  it('refuses bad input with a ValidationError naming the field, without calling Square', async () => {
    const line = { name: 'Tea', quantity: '1', basePriceMoney: usd(300) };
    const cases: Array<[Record<string, unknown>, string, string?]> = [
      [{ lineItems: [] }, 'input.lineItems'],
      [{ lineItems: [{ ...line, quantity: '0' }] }, 'input.lineItems.0.quantity'],
      [{ lineItems: [line, { ...line, quantity: '1.5' }] }, 'input.lineItems.1.quantity'],
      [{ lineItems: [{ ...line, quantity: '-1' }] }, 'input.lineItems.0.quantity'],
      [{ lineItems: [{ name: 'Tea', quantity: '1' }] }, 'input.lineItems.0.basePriceMoney'],
      [{ lineItems: [{ ...line, basePriceMoney: usd(-1) }] }, 'input.lineItems.0.basePriceMoney.amount'],
      [{ lineItems: [line, { ...line, basePriceMoney: { amount: '300', currency: 'EUR' } }] }, 'input.lineItems.1.basePriceMoney.currency'],
      [{ lineItems: [{ ...line, catalogObjectId: 'not an id!' }] }, 'input.lineItems.0.catalogObjectId'],
      [{ lineItems: [{ ...line, note: 'n'.repeat(2001) }] }, 'input.lineItems.0.note', 'VALUE_TOO_LONG'],
      [{ lineItems: [{ ...line, appliedTaxUids: ['missing'] }] }, 'input.lineItems.0.appliedTaxUids.0'],
      [{ taxes: [{ name: 'Tax', percentage: 'ten' }] }, 'input.taxes.0.percentage'],
      [{ taxes: [{ uid: 'a', name: 'A', percentage: '1' }, { uid: 'a', name: 'B', percentage: '2' }] }, 'input.taxes.1.uid'],
      [{ discounts: [{ name: 'Half', type: 'FIXED_PERCENTAGE' }] }, 'input.discounts.0.percentage'],
      [{ discounts: [{ name: 'Lots', type: 'FIXED_PERCENTAGE', percentage: '150' }] }, 'input.discounts.0.percentage'],
      [{ discounts: [{ name: 'Off', type: 'FIXED_AMOUNT', amountMoney: usd(-5) }] }, 'input.discounts.0.amountMoney.amount'],
      [{ discounts: [{ name: 'Off', type: 'VARIABLE_AMOUNT' }] }, 'input.discounts.0.type'],
      [{ discounts: [{ name: 'Off', type: 'FIXED_AMOUNT', amountMoney: { amount: '5', currency: 'CAD' } }] }, 'input.discounts.0.amountMoney.currency'],
      [{ referenceId: 'r'.repeat(41) }, 'input.referenceId', 'VALUE_TOO_LONG'],
      [{ idempotencyKey: '' }, 'input.idempotencyKey', 'VALUE_TOO_SHORT'],
      [{ idempotencyKey: 'k'.repeat(193) }, 'input.idempotencyKey', 'VALUE_TOO_LONG'],
      [{ customerId: 'not an id!' }, 'input.customerId'],
      [{ locationId: 'not an id!' }, 'input.locationId'],
    ];
    await stack.clearCalls();
    for (const [change, field, code] of cases) {
      const result = await createOrder({ lineItems: [line], idempotencyKey: key(), ...change });
      expect(result, field).toMatchObject({ __typename: 'ValidationError', field, ...(code ? { code } : {}) });
    }
    expect(await stack.calls()).toEqual([]);
  });

  it('reports Square’s refusals as typed errors', async () => {
    const line = { name: 'Tea', quantity: '1', basePriceMoney: usd(300) };
    const unknownCustomer = await createOrder({ customerId: 'NO_SUCH_CUSTOMER', lineItems: [line], idempotencyKey: key() });
    expect(unknownCustomer).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    const unknownLocation = await createOrder({ locationId: 'NO_SUCH_LOCATION', lineItems: [line], idempotencyKey: key() });
    expect(unknownLocation).toMatchObject({ __typename: 'NotFoundError' });
    const unknownItem = await createOrder({ lineItems: [{ quantity: '1', catalogObjectId: 'NO_SUCH_VARIATION' }], idempotencyKey: key() });
    expect(unknownItem).toMatchObject({ __typename: 'NotFoundError' });
    // One currency, but not the location's: only Square knows, and names the line.
    const euros = await createOrder({ lineItems: [{ ...line, basePriceMoney: { amount: '300', currency: 'EUR' } }], idempotencyKey: key() });
    expect(euros).toMatchObject({ __typename: 'ValidationError', field: 'input.lineItems.0.basePriceMoney' });
  });
});

describe('createOrder with pricingOptions', () => {
  const PRICED: DocumentNode = graphql(`mutation OrdersWritePriced($input: CreateOrderInput!) {
    createOrder(input: $input) {
      __typename
      ... on CreateOrderSuccess {
        order {
          pricingOptions { autoApplyTaxes autoApplyDiscounts }
          taxes { uid name percentage scope autoApplied catalogObjectId appliedMoney { amount } }
          lineItems { name appliedTaxes { taxUid appliedMoney { amount } } totalTaxMoney { amount } }
          totalTaxMoney { amount } totalDiscountMoney { amount } totalMoney { amount }
        }
      }
      ... on Error { message code }
    }
  }`);
  let taxId: string;
  let variationId: string;

  beforeAll(async () => {
    const { idMappings } = await stack.square().catalog.batchUpsert({
      idempotencyKey: key(),
      batches: [
        {
          objects: [
            // For catalog items only: a custom amount is not taxed by it.
            { type: 'TAX', id: '#city', taxData: { name: 'City tax', percentage: '8.625', inclusionType: 'ADDITIVE', enabled: true, appliesToCustomAmounts: false } },
            {
              type: 'ITEM',
              id: '#scone',
              itemData: {
                name: 'Scone',
                taxIds: ['#city'],
                variations: [{ type: 'ITEM_VARIATION', id: '#scone-v', itemVariationData: { name: 'Regular', priceMoney: { amount: 450n, currency: 'USD' } } }],
              },
            },
          ],
        },
      ],
    });
    const ids = new Map(idMappings!.map((m) => [m.clientObjectId!, m.objectId!]));
    taxId = ids.get('#city')!;
    variationId = ids.get('#scone-v')!;
  });

  const lines = () => [
    { catalogObjectId: variationId, quantity: '2' },
    { name: 'Custom', quantity: '1', basePriceMoney: usd(100) },
  ];

  it('autoApplyTaxes has Square apply the items’ catalog taxes, shown as auto-applied taxes on the lines that pay them', async () => {
    const result = await stack.gql(PRICED, { input: { lineItems: lines(), pricingOptions: { autoApplyTaxes: true }, idempotencyKey: key() } });
    expect(result.data.createOrder.__typename, JSON.stringify(result)).toBe('CreateOrderSuccess');
    const order = result.data.createOrder.order;
    // 8.625% of 900, half to even.
    expect(order.taxes).toEqual([
      { uid: expect.any(String), name: 'City tax', percentage: '8.625', scope: 'LINE_ITEM', autoApplied: true, catalogObjectId: taxId, appliedMoney: { amount: '78' } },
    ]);
    expect(order.lineItems).toEqual([
      { name: 'Scone', appliedTaxes: [{ taxUid: order.taxes[0].uid, appliedMoney: { amount: '78' } }], totalTaxMoney: { amount: '78' } },
      { name: 'Custom', appliedTaxes: [], totalTaxMoney: { amount: '0' } },
    ]);
    expect(order.pricingOptions).toEqual({ autoApplyTaxes: true, autoApplyDiscounts: false });
    expect(order.totalTaxMoney.amount).toBe('78');
    expect(order.totalMoney.amount).toBe('1078');
  });

  it('applies no tax without it, and autoApplyDiscounts applies what pricing rules give: nothing for a seller without them', async () => {
    for (const pricingOptions of [undefined, { autoApplyTaxes: false, autoApplyDiscounts: true }]) {
      const result = await stack.gql(PRICED, { input: { lineItems: lines(), pricingOptions, idempotencyKey: key() } });
      const order = result.data.createOrder.order;
      expect(order.taxes).toEqual([]);
      expect(order.totalTaxMoney.amount).toBe('0');
      expect(order.totalDiscountMoney.amount).toBe('0');
      expect(order.totalMoney.amount).toBe('1000');
      expect(order.pricingOptions).toEqual({ autoApplyTaxes: false, autoApplyDiscounts: pricingOptions !== undefined });
    }
  });
});

describe('payOrder', () => {
  async function openOrder(): Promise<{ squareId: string; total: number; version: number }> {
    const result = await createOrder(cafeOrder(customerId));
    return { squareId: result.order.squareId, total: Number(result.order.totalMoney.amount), version: result.order.version };
  }

  it('collects approved payments and completes the order', async () => {
    const order = await openOrder();
    const half = Math.floor(order.total / 2);
    const paymentIds = await approvedPayments(order.squareId, [half, order.total - half]);
    const input = { orderId: order.squareId, paymentIds, orderVersion: order.version, idempotencyKey: key() };
    const result = await stack.gql(PAY, { input });
    expect(result.data.payOrder.__typename).toBe('PayOrderSuccess');
    const paid = result.data.payOrder.order;
    expect(paid).toMatchObject({ squareId: order.squareId, state: 'COMPLETED', netAmountDueMoney: { amount: '0' } });
    expect(paid.tenders.map((t: { payment: { squareId: string; status: string } }) => t.payment)).toEqual(
      paymentIds.map((squareId) => ({ squareId, status: 'COMPLETED' })),
    );
    const { order: stored } = await stack.square().orders.get({ orderId: order.squareId });
    expect(stored!.state).toBe('COMPLETED');
    expect(paid.version).toBe(stored!.version);

    const replay = await stack.gql(PAY, { input });
    expect(replay.data.payOrder).toMatchObject({ __typename: 'PayOrderSuccess', order: { squareId: order.squareId, state: 'COMPLETED' } });
  });

  it('reports Square’s refusals: amount mismatch, foreign or unknown payment, stale version', async () => {
    const order = await openOrder();
    const [partial] = await approvedPayments(order.squareId, [order.total - 1]);
    const pay = async (input: Record<string, unknown>) =>
      (await stack.gql(PAY, { input: { orderId: order.squareId, idempotencyKey: key(), ...input } })).data.payOrder;

    expect(await pay({ paymentIds: [partial] })).toMatchObject({
      __typename: 'ValidationError',
      code: 'PAYMENT_AMOUNT_MISMATCH',
      field: 'input.paymentIds',
    });
    const other = await openOrder();
    const [foreign] = await approvedPayments(other.squareId, [other.total]);
    expect(await pay({ paymentIds: [foreign] })).toMatchObject({ __typename: 'ValidationError', field: 'input.paymentIds' });
    expect(await pay({ paymentIds: ['NO_SUCH_PAYMENT'] })).toMatchObject({ __typename: 'NotFoundError' });
    expect(await pay({ paymentIds: [partial], orderVersion: order.version + 5 })).toMatchObject({ __typename: 'ConflictError' });
    expect(await pay({ orderId: 'NO_SUCH_ORDER', paymentIds: [partial] })).toMatchObject({ __typename: 'NotFoundError' });

    const { payment } = await stack.square().payments.get({ paymentId: partial! });
    expect(payment!.status).toBe('APPROVED');
  });

  it('refuses bad input before calling Square', async () => {
    await stack.clearCalls();
    const pay = async (input: Record<string, unknown>) =>
      (await stack.gql(PAY, { input: { orderId: 'ORDER1', paymentIds: ['P1'], idempotencyKey: key(), ...input } })).data.payOrder;
    expect(await pay({ paymentIds: ['P1', 'P2', 'P1'] })).toMatchObject({ __typename: 'ValidationError', field: 'input.paymentIds.2' });
    expect(await pay({ paymentIds: ['P1', 'bad id!'] })).toMatchObject({ __typename: 'ValidationError', field: 'input.paymentIds.1' });
    expect(await pay({ orderId: 'bad id!' })).toMatchObject({ __typename: 'ValidationError', field: 'input.orderId' });
    expect(await pay({ orderVersion: 0 })).toMatchObject({ __typename: 'ValidationError', field: 'input.orderVersion' });
    expect(await pay({ idempotencyKey: 'k'.repeat(193) })).toMatchObject({ __typename: 'ValidationError', field: 'input.idempotencyKey' });
    expect(await stack.calls()).toEqual([]);
  });
});

describe('paying an order, as createOrder’s description says', () => {
  const lines = [{ name: 'Soup', quantity: '2', basePriceMoney: { amount: '650', currency: 'USD' as const } }];
  const newOrder = async () => {
    const created = await stack.gql(CreateOrderDocument, { input: { customerId, lineItems: lines, idempotencyKey: key() } });
    if (created.data?.createOrder?.__typename !== 'CreateOrderSuccess') throw new Error(JSON.stringify(created));
    return created.data.createOrder.order;
  };

  it('charge with the order: a charge of its total completes it, and payOrder has nothing left to pay', async () => {
    await newCard(stack.square(), customerId);
    const order = await newOrder();
    const charged = await stack.gql(ChargeCustomerDocument, {
      input: { customerId, orderId: order.squareId, amountMoney: { amount: order.totalMoney!.amount, currency: 'USD' }, idempotencyKey: key() },
    });
    expect(charged.data?.chargeCustomer).toMatchObject({
      __typename: 'ChargeCustomerSuccess',
      payment: { status: 'COMPLETED', order: { squareId: order.squareId, state: 'COMPLETED' } },
    });
    if (charged.data?.chargeCustomer?.__typename !== 'ChargeCustomerSuccess') return;
    const paid = await stack.gql(PayOrderDocument, {
      input: { orderId: order.squareId, paymentIds: [charged.data.chargeCustomer.payment.squareId], idempotencyKey: key() },
    });
    expect(paid.data?.payOrder).toMatchObject({ __typename: 'ValidationError', field: 'input.orderId' });
  });

  it('create, then pay: payments with autocomplete false stay approved until payOrder captures them and completes the order', async () => {
    const order = await newOrder();
    const input = { sourceId: 'cnon:card-nonce-ok', orderId: order.squareId, autocomplete: false, idempotencyKey: key() };
    const approved = await stack.gql(CreatePaymentDocument, { input: { ...input, amountMoney: { amount: order.totalMoney!.amount, currency: 'USD' } } });
    expect(approved.data?.createPayment).toMatchObject({ __typename: 'CreatePaymentSuccess', payment: { status: 'APPROVED', order: { state: 'OPEN' } } });
    if (approved.data?.createPayment?.__typename !== 'CreatePaymentSuccess') return;
    const paid = await stack.gql(PayOrderDocument, {
      input: { orderId: order.squareId, paymentIds: [approved.data.createPayment.payment.squareId], idempotencyKey: key() },
    });
    expect(paid.data?.payOrder).toMatchObject({ __typename: 'PayOrderSuccess', order: { squareId: order.squareId, state: 'COMPLETED' } });
  });
});

describe('gift card links', () => {
  const LINK = graphql(`mutation OrdersWriteLink($input: GiftCardCustomerInput!) {
    linkGiftCardToCustomer(input: $input) {
      __typename
      ... on LinkGiftCardToCustomerSuccess { giftCard { squareId customers { squareId } } }
      ... on Error { code message }
      ... on ValidationError { field }
    }
  }`);
  const UNLINK = graphql(`mutation OrdersWriteUnlink($input: GiftCardCustomerInput!) {
    unlinkGiftCardFromCustomer(input: $input) {
      __typename
      ... on UnlinkGiftCardFromCustomerSuccess { giftCard { squareId customers { squareId } } }
      ... on Error { code message }
      ... on ValidationError { field }
    }
  }`);
  const CUSTOMER_CARDS = graphql(`query OrdersWriteCustomerGiftCards($id: ID!) { customer(id: $id) { giftCards { squareId customers { squareId } } } }`);

  const activeGiftCard = () => newGiftCard(stack.square(), 2500);

  it('links and unlinks a gift card, as GiftCard.customers and Customer.giftCards show', async () => {
    const giftCardId = await activeGiftCard();
    const gateway = await stack.gql(
      graphql(`query OrdersWriteGlobalIds($id: ID!, $customerId: ID!) { giftCard(id: $id) { id } customer(id: $customerId) { id } }`),
      { id: giftCardId, customerId },
    );
    // Global ids work as well as Square's.
    const input = { giftCardId: gateway.data!.giftCard!.id, customerId: gateway.data!.customer!.id };

    const linked = await stack.gql(LINK, { input });
    expect(linked.data?.linkGiftCardToCustomer).toEqual({
      __typename: 'LinkGiftCardToCustomerSuccess',
      giftCard: { squareId: giftCardId, customers: [{ squareId: customerId }] },
    });
    const cards = await stack.gql(CUSTOMER_CARDS, { id: customerId });
    expect(cards.data?.customer?.giftCards).toContainEqual({ squareId: giftCardId, customers: [{ squareId: customerId }] });
    expect((await stack.gql(LINK, { input })).data?.linkGiftCardToCustomer?.__typename).toBe('LinkGiftCardToCustomerSuccess');

    const unlinked = await stack.gql(UNLINK, { input });
    expect(unlinked.data?.unlinkGiftCardFromCustomer).toEqual({
      __typename: 'UnlinkGiftCardFromCustomerSuccess',
      giftCard: { squareId: giftCardId, customers: [] },
    });
    const after = await stack.gql(CUSTOMER_CARDS, { id: customerId });
    expect(after.data!.customer!.giftCards!.map((g) => g.squareId)).not.toContain(giftCardId);
    const { giftCard } = await stack.square().giftCards.get({ id: giftCardId });
    expect(giftCard!.customerIds ?? []).toEqual([]);

    const again = await stack.gql(UNLINK, { input });
    expect(again.data?.unlinkGiftCardFromCustomer).toMatchObject({ __typename: 'ValidationError', field: 'input.customerId' });
  });

  it('reports unknown gift cards and customers as NotFoundError, malformed ids without calling Square', async () => {
    const giftCardId = await activeGiftCard();
    const noCard = await stack.gql(LinkGiftCardToCustomerDocument, { input: { giftCardId: 'gftc:nosuchcard', customerId } });
    expect(noCard.data?.linkGiftCardToCustomer).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND', field: 'input.giftCardId' });
    const noCustomer = await stack.gql(LinkGiftCardToCustomerDocument, { input: { giftCardId, customerId: 'NO_SUCH_CUSTOMER' } });
    expect(noCustomer.data?.linkGiftCardToCustomer).toMatchObject({ __typename: 'NotFoundError', field: 'input.customerId' });

    await stack.clearCalls();
    const bad = await stack.gql(LINK, { input: { giftCardId: 'gftc:bad id!', customerId } });
    expect(bad.data?.linkGiftCardToCustomer).toMatchObject({ __typename: 'ValidationError', field: 'input.giftCardId' });
    const badCustomer = await stack.gql(UNLINK, { input: { giftCardId, customerId: 'bad id!' } });
    expect(badCustomer.data?.unlinkGiftCardFromCustomer).toMatchObject({ __typename: 'ValidationError', field: 'input.customerId' });
    expect(await stack.calls()).toEqual([]);
  });
});

describe('scopes of order and gift card writes', () => {
  const orderWriter = generateKey('orders', ['ORDERS_READ', 'ORDERS_WRITE']);
  const scoped = useGateway({ apiKeys: ApiKeyRing.parse(JSON.stringify({ keys: [orderWriter.entry] }), 'test keys') });

  it('needs PAYMENTS_WRITE as well as ORDERS_WRITE to pay, and GIFTCARDS_WRITE to link', async () => {
    await scoped.clearCalls();
    const pay = await scoped.gql(
      graphql(`mutation OrdersWritePayScoped { payOrder(input: { orderId: "O1", paymentIds: ["P1"], idempotencyKey: "k" }) { __typename } }`),
      {},
      { token: orderWriter.key },
    );
    expect(pay.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', scopes: ['PAYMENTS_WRITE'] });
    const link = await scoped.gql(
      graphql(`mutation OrdersWriteLinkScoped { linkGiftCardToCustomer(input: { giftCardId: "gftc:1", customerId: "C1" }) { __typename } }`),
      {},
      { token: orderWriter.key },
    );
    expect(link.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', scopes: ['GIFTCARDS_WRITE'] });
    expect(await scoped.calls()).toEqual([]);
  });
});
