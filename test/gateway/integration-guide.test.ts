import type { DocumentNode } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { ActivateGiftCardDocument, CreateGiftCardDocument } from '../gql/graphql.js';
import { graphql } from '../gql/index.js';
import { key } from '../support/fixtures.js';
import { useGateway } from '../support/gateway.js';
import { usd } from '../support/payments.js';

/**
 * Square's guide to integrating the Customers API with the Cards, Gift Cards, Payments
 * and Orders APIs, flow by flow, through the gateway only.
 */
const stack = useGateway();

const ids = (connection: { edges: Array<{ node: { squareId: string } }> }) => connection.edges.map((e) => e.node.squareId);

/** Runs an operation and returns its data, failing on any top-level error; the guide reads the answers as plain JSON. */
async function gql<T = any>(document: DocumentNode, variables?: Record<string, unknown>): Promise<T> {
  const result = await stack.gql(document, variables);
  expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
  return result.data as T;
}

/** What the guide reads of a payment, spread as `...GuidePayment`. */
graphql(`fragment GuidePayment on Payment { squareId status sourceType amountMoney { amount currency } refundedMoney { amount }
  customer { squareId } order { squareId state customer { squareId } }
  cardDetails { status entryMethod card { cardBrand last4 } } }`);

const CREATE_PAYMENT = graphql(`mutation GuideCreatePayment($input: CreatePaymentInput!) {
  createPayment(input: $input) {
    __typename
    ... on CreatePaymentSuccess { payment { ...GuidePayment } }
    ... on Error { code message }
    ... on ValidationError { field }
  }
}`);

const CREATE_ORDER = graphql(`mutation GuideCreateOrder($input: CreateOrderInput!) {
  createOrder(input: $input) {
    __typename
    ... on CreateOrderSuccess { order { squareId state source { name } totalMoney { amount currency } customer { squareId } } }
    ... on Error { code message }
  }
}`);

const CUSTOMER = graphql(`query GuideCustomer($id: ID!) {
  customer(id: $id) {
    squareId
    cards { squareId enabled last4 billingAddress { postalCode } }
    allCards: cards(includeDisabled: true) { squareId enabled }
    giftCards { squareId balanceMoney { amount } }
    orders(first: 50) { edges { node { squareId } } }
  }
}`);

const SAVE_CARD = graphql(`mutation GuideSaveCard($input: SaveCardInput!) {
  saveCard(input: $input) {
    __typename
    ... on SaveCardSuccess { card { id squareId enabled cardBrand last4 cardholderName billingAddress { postalCode } customer { squareId } } }
    ... on Error { code message }
  }
}`);

let locationId: string;
let customerId: string;
let customerGlobalId: string;
let cardId: string;
let spareCardId: string;
const email = `amelia.${Date.now()}@example.com`;
const phone = '+14155550142';

beforeAll(async () => {
  locationId = (await gql(graphql(`query GuideLocations { locations { squareId } }`))).locations[0].squareId;
});

describe('Square’s guide: integrate the Customers API with other Square APIs, through the gateway', () => {
  it('creates the customer profile', async () => {
    const data = await gql(
      graphql(`mutation GuideCreateCustomer($input: CreateCustomerInput!) { createCustomer(input: $input) {
        __typename ... on CreateCustomerSuccess { customer { id squareId } } } }`),
      { input: { givenName: 'Amelia', familyName: 'Earhart', emailAddress: email, phoneNumber: phone, idempotencyKey: key() } },
    );
    expect(data.createCustomer.__typename).toBe('CreateCustomerSuccess');
    customerId = data.createCustomer.customer.squareId;
    customerGlobalId = data.createCustomer.customer.id;
  });

  it('saves a card on file only with the buyer’s permission, billing postal code 94103', async () => {
    const input = {
      customerId: customerGlobalId,
      sourceId: 'cnon:card-nonce-ok',
      cardholderName: 'Amelia Earhart',
      billingAddress: { addressLine1: '123 Main Street', locality: 'San Francisco', administrativeDistrictLevel1: 'CA', postalCode: '94103', country: 'US' },
      idempotencyKey: key(),
    };
    await stack.clearCalls();
    const refused = await gql(SAVE_CARD, { input: { ...input, customerConsent: false } });
    expect(refused.saveCard).toMatchObject({ __typename: 'ConsentRequiredError', code: 'CONSENT_REQUIRED' });
    expect(await stack.calls()).toEqual([]);

    const saved = await gql(SAVE_CARD, { input: { ...input, customerConsent: true } });
    expect(saved.saveCard).toMatchObject({
      __typename: 'SaveCardSuccess',
      card: { enabled: true, cardholderName: 'Amelia Earhart', billingAddress: { postalCode: '94103' }, customer: { squareId: customerId } },
    });
    expect(saved.saveCard.card.squareId).toMatch(/^ccof:/);
    cardId = saved.saveCard.card.squareId;

    const spare = await gql(SAVE_CARD, {
      input: { customerId, sourceId: 'cnon:card-nonce-ok', customerConsent: true, idempotencyKey: key() },
    });
    spareCardId = spare.saveCard.card.squareId;
  });

  it('lists the customer’s cards and disables one, which then shows only with includeDisabled', async () => {
    const before = (await gql(CUSTOMER, { id: customerId })).customer;
    expect(before.cards.map((c: { squareId: string }) => c.squareId).sort()).toEqual([cardId, spareCardId].sort());

    const disabled = await gql(
      graphql(`mutation GuideDisableCard($input: DisableCardInput!) { disableCard(input: $input) {
        __typename ... on DisableCardSuccess { card { squareId enabled } } ... on Error { code } } }`),
      { input: { cardId: spareCardId } },
    );
    expect(disabled.disableCard).toEqual({ __typename: 'DisableCardSuccess', card: { squareId: spareCardId, enabled: false } });

    const after = (await gql(CUSTOMER, { id: customerId })).customer;
    expect(after.cards.map((c: { squareId: string }) => c.squareId)).toEqual([cardId]);
    expect(after.allCards).toEqual(
      expect.arrayContaining([
        { squareId: cardId, enabled: true },
        { squareId: spareCardId, enabled: false },
      ]),
    );
  });

  it('finds the customer by email address and by phone number', async () => {
    const FIND = graphql(`query GuideFindCustomer($filter: CustomerFilter) { customers(first: 10, filter: $filter) { edges { node { squareId } } } }`);
    const byEmail = await gql(FIND, { filter: { emailAddress: { exact: email } } });
    expect(ids(byEmail.customers)).toEqual([customerId]);
    const byPhone = await gql(FIND, { filter: { phoneNumber: { exact: phone } } });
    expect(ids(byPhone.customers)).toEqual([customerId]);
  });

  it('charges the card on file with the card id and the customer id, and through chargeCustomer', async () => {
    const noCustomer = await gql(CREATE_PAYMENT, { input: { sourceId: cardId, amountMoney: usd(2515), idempotencyKey: key() } });
    // The guide: a customer id is required for payments from credit or debit cards on file.
    expect(noCustomer.createPayment).toMatchObject({ __typename: 'ValidationError', field: 'input.customerId' });

    const paid = await gql(CREATE_PAYMENT, { input: { sourceId: cardId, customerId, amountMoney: usd(2515), idempotencyKey: key() } });
    expect(paid.createPayment).toMatchObject({
      __typename: 'CreatePaymentSuccess',
      payment: {
        status: 'COMPLETED',
        sourceType: 'CARD',
        amountMoney: { amount: '2515', currency: 'USD' },
        customer: { squareId: customerId },
        cardDetails: { status: 'CAPTURED', entryMethod: 'ON_FILE' },
        // Square made an order for the payment, which belongs to the customer.
        order: { state: 'COMPLETED', customer: { squareId: customerId } },
      },
    });

    const charged = await gql(
      graphql(`mutation GuideChargeCustomer($input: ChargeCustomerInput!) { chargeCustomer(input: $input) {
        __typename ... on ChargeCustomerSuccess { payment { ...GuidePayment } } ... on Error { code message } } }`),
      { input: { customerId: customerGlobalId, amountMoney: usd(1200), idempotencyKey: key() } },
    );
    expect(charged.chargeCustomer).toMatchObject({
      __typename: 'ChargeCustomerSuccess',
      payment: { status: 'COMPLETED', amountMoney: { amount: '1200' }, customer: { squareId: customerId }, cardDetails: { entryMethod: 'ON_FILE' } },
    });
    // The spare card is disabled, so the enabled one was charged.
    const { payment } = await stack.square().payments.get({ paymentId: charged.chargeCustomer.payment.squareId });
    expect(payment!.sourceType).toBe('CARD');
    expect(charged.chargeCustomer.payment.cardDetails.card.last4).toBe(
      (await gql(CUSTOMER, { id: customerId })).customer.cards[0].last4,
    );

    const disabledCard = await gql(CREATE_PAYMENT, {
      input: { sourceId: spareCardId, customerId, amountMoney: usd(100), idempotencyKey: key() },
    });
    expect(disabledCard.createPayment).toMatchObject({ __typename: 'ValidationError', code: 'INVALID_CARD', field: 'input.sourceId' });
  });

  it('links a gift card to the customer and pays with the gift card on file', async () => {
    // A digital gift card, sold for cash and activated with what was paid.
    const created = await stack.gql(CreateGiftCardDocument, { input: { locationId, idempotencyKey: key() } });
    if (created.data?.createGiftCard?.__typename !== 'CreateGiftCardSuccess') throw new Error(JSON.stringify(created));
    const giftCardId = created.data.createGiftCard.giftCard.squareId;
    const activated = await stack.gql(ActivateGiftCardDocument, {
      input: { giftCardId, locationId, amountMoney: { amount: '5000', currency: 'USD' }, buyerPaymentInstrumentIds: ['cash'], idempotencyKey: key() },
    });
    expect(activated.data?.activateGiftCard).toMatchObject({ activity: { giftCard: { state: 'ACTIVE' } } });

    const linked = await gql(
      graphql(`mutation GuideLinkGiftCard($input: GiftCardCustomerInput!) { linkGiftCardToCustomer(input: $input) {
        __typename ... on LinkGiftCardToCustomerSuccess { giftCard { squareId customers { squareId } } } ... on Error { code } } }`),
      { input: { giftCardId, customerId } },
    );
    expect(linked.linkGiftCardToCustomer).toEqual({
      __typename: 'LinkGiftCardToCustomerSuccess',
      giftCard: { squareId: giftCardId, customers: [{ squareId: customerId }] },
    });

    // As the guide says: find the customer's gift card on file, then pay with it and the customer id.
    const onFile = (await gql(CUSTOMER, { id: customerId })).customer.giftCards;
    expect(onFile).toEqual([{ squareId: giftCardId, balanceMoney: { amount: '5000' } }]);
    const paid = await gql(CREATE_PAYMENT, {
      input: { sourceId: onFile[0].squareId, customerId, amountMoney: usd(1850), idempotencyKey: key() },
    });
    expect(paid.createPayment).toMatchObject({
      __typename: 'CreatePaymentSuccess',
      payment: { status: 'COMPLETED', customer: { squareId: customerId }, cardDetails: { card: { cardBrand: 'SQUARE_GIFT_CARD' } } },
    });
    const after = (await gql(CUSTOMER, { id: customerId })).customer.giftCards;
    expect(after).toEqual([{ squareId: giftCardId, balanceMoney: { amount: '3150' } }]);
  });

  it('creates an order linked to the customer and finds it by customer', async () => {
    const created = await gql(CREATE_ORDER, {
      input: {
        customerId,
        source: 'Sunset service',
        lineItems: [{ name: 'Flight lesson', quantity: '1', basePriceMoney: usd(9900) }],
        idempotencyKey: key(),
      },
    });
    expect(created.createOrder).toMatchObject({
      __typename: 'CreateOrderSuccess',
      order: { state: 'OPEN', source: { name: 'Sunset service' }, customer: { squareId: customerId } },
    });
    const orderId = created.createOrder.order.squareId;

    const customer = (await gql(CUSTOMER, { id: customerId })).customer;
    expect(ids(customer.orders)).toContain(orderId);
    const search = await gql(graphql(`query GuideOrdersOfCustomer($ids: [ID!]) { orders(first: 50, filter: { customerIds: $ids }) { edges { node { squareId } } } }`), {
      ids: [customerGlobalId],
    });
    expect(ids(search.orders)).toContain(orderId);
    expect(ids(search.orders)).toEqual(ids(customer.orders));
  });

  it('attributes a Square Online style order without customer_id to the customer on its payment', async () => {
    const created = await gql(CREATE_ORDER, {
      input: {
        source: 'Square Online',
        lineItems: [{ name: 'Goggles', quantity: '2', basePriceMoney: usd(1500) }],
        idempotencyKey: key(),
      },
    });
    const order = created.createOrder.order;
    expect(order.customer).toBeNull();

    const paid = await gql(CREATE_PAYMENT, {
      input: { sourceId: cardId, customerId, orderId: order.squareId, amountMoney: order.totalMoney, idempotencyKey: key() },
    });
    expect(paid.createPayment).toMatchObject({ __typename: 'CreatePaymentSuccess', payment: { customer: { squareId: customerId } } });

    const { order: stored } = await stack.square().orders.get({ orderId: order.squareId });
    expect(stored!.customerId).toBeUndefined();
    const read = await gql(graphql(`query GuideOrder($id: ID!) { order(id: $id) { state customer { squareId } } }`), { id: order.squareId });
    expect(read.order).toEqual({ state: 'COMPLETED', customer: { squareId: customerId } });
    expect(ids((await gql(CUSTOMER, { id: customerId })).customer.orders)).toContain(order.squareId);
  });

  it('refunds a payment, which then shows its refundedMoney', async () => {
    const paid = await gql(CREATE_PAYMENT, { input: { sourceId: cardId, customerId, amountMoney: usd(4000), idempotencyKey: key() } });
    const paymentId = paid.createPayment.payment.squareId;
    const refunded = await gql(
      graphql(`mutation GuideRefundPayment($input: RefundPaymentInput!) { refundPayment(input: $input) {
        __typename ... on RefundPaymentSuccess { refund { squareId status amountMoney { amount } reason payment { squareId refundedMoney { amount } } } }
        ... on Error { code message } } }`),
      { input: { paymentId, amountMoney: usd(1500), reason: 'Returned goggles', idempotencyKey: key() } },
    );
    expect(refunded.refundPayment).toMatchObject({
      __typename: 'RefundPaymentSuccess',
      refund: { amountMoney: { amount: '1500' }, reason: 'Returned goggles', payment: { squareId: paymentId, refundedMoney: { amount: '1500' } } },
    });
    const payment = await gql(graphql(`query GuidePaymentRefunds($id: ID!) { payment(id: $id) { refundedMoney { amount } refunds { squareId } } }`), { id: paymentId });
    expect(payment.payment).toEqual({
      refundedMoney: { amount: '1500' },
      refunds: [{ squareId: refunded.refundPayment.refund.squareId }],
    });
  });
});
