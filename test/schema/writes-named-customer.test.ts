import { describe, expect, it } from 'vitest';
import { ApiKeyRing, generateKey } from '../../src/gateway/api-keys.js';
import {
  ChargeCustomerDocument,
  CreateOrderDocument,
  CreatePaymentDocument,
  LinkGiftCardToCustomerDocument,
  SaveCardDocument,
  UnlinkGiftCardFromCustomerDocument,
} from '../gql/graphql.js';
import { key } from '../support/fixtures.js';
import { useGateway } from '../support/gateway.js';
import { newCard, newCustomer, usd, writes } from '../support/payments.js';

const NO_SUCH_CUSTOMER = 'NO_SUCH_CUSTOMER_ID';
const notFound = { __typename: 'NotFoundError', code: 'NOT_FOUND', field: 'input.customerId' };
const orderLines = [{ name: 'Scone', quantity: '1', basePriceMoney: usd(300) }];

describe('a customer id that does not exist', () => {
  const stack = useGateway();

  it('is a NotFoundError naming input.customerId in every mutation that takes one, and nothing is written', async () => {
    await stack.clearCalls();
    const customerId = NO_SUCH_CUSTOMER;
    const results = [
      (await stack.gql(CreatePaymentDocument, { input: { customerId, sourceId: 'cnon:card-nonce-ok', amountMoney: usd(500), idempotencyKey: key() } }))
        .data?.createPayment,
      (await stack.gql(ChargeCustomerDocument, { input: { customerId, amountMoney: usd(500), idempotencyKey: key() } })).data?.chargeCustomer,
      (await stack.gql(SaveCardDocument, { input: { customerId, sourceId: 'cnon:card-nonce-ok', customerConsent: true, idempotencyKey: key() } }))
        .data?.saveCard,
      (await stack.gql(CreateOrderDocument, { input: { customerId, lineItems: orderLines, idempotencyKey: key() } })).data?.createOrder,
      (await stack.gql(LinkGiftCardToCustomerDocument, { input: { customerId, giftCardId: 'gftc:no-such-card' } })).data?.linkGiftCardToCustomer,
      (await stack.gql(UnlinkGiftCardFromCustomerDocument, { input: { customerId, giftCardId: 'gftc:no-such-card' } })).data
        ?.unlinkGiftCardFromCustomer,
    ];
    for (const result of results) expect(result).toMatchObject(notFound);
    expect(writes(await stack.calls())).toEqual([]);
  });

  it('is checked before a charge looks for the customer’s cards', async () => {
    const result = await stack.gql(ChargeCustomerDocument, { input: { customerId: NO_SUCH_CUSTOMER, amountMoney: usd(500), idempotencyKey: key() } });
    expect(result.data?.chargeCustomer).toMatchObject({ ...notFound, message: 'No customer with this id exists for this seller.' });
  });
});

describe('messages in the graph’s names', () => {
  const stack = useGateway();

  it('says sourceId where Square says source_id', async () => {
    const customerId = await newCustomer(stack.square());
    const input = { customerId, sourceId: 'cnon:not-a-test-token', customerConsent: true, idempotencyKey: key() };
    const result = await stack.gql(SaveCardDocument, { input });
    expect(result.data?.saveCard).toMatchObject({
      __typename: 'ValidationError',
      field: 'input.sourceId',
      message: 'The sourceId is not a valid card nonce.',
    });
  });

  it('names the input that carries Square’s field: cardId for a charge’s source', async () => {
    const customerId = await newCustomer(stack.square());
    await newCard(stack.square(), customerId);
    const result = await stack.gql(ChargeCustomerDocument, {
      input: { customerId, cardId: 'not_a_card', amountMoney: usd(500), idempotencyKey: key() },
    });
    expect(result.data?.chargeCustomer).toMatchObject({ __typename: 'ValidationError', field: 'input.cardId', message: 'Invalid cardId [redacted].' });
  });
});

describe('naming a customer in a write needs CUSTOMERS_READ', () => {
  const orders = generateKey('orders', ['ORDERS_WRITE', 'ORDERS_READ']);
  const payments = generateKey('payments', ['PAYMENTS_WRITE', 'PAYMENTS_READ']);
  const ring = ApiKeyRing.parse(JSON.stringify({ keys: [orders.entry, payments.entry] }), 'test keys');
  const stack = useGateway({ apiKeys: ring });
  const forbidden = { extensions: { code: 'FORBIDDEN', scopes: ['CUSTOMERS_READ'] }, message: expect.stringContaining('input.customerId') };

  it('so a key without it learns nothing about which customers exist, and nothing is written', async () => {
    const existing = await newCustomer(stack.square());
    await stack.clearCalls();
    for (const customerId of [existing, NO_SUCH_CUSTOMER]) {
      const order = await stack.gql(CreateOrderDocument, { input: { customerId, lineItems: orderLines, idempotencyKey: key() } }, { token: orders.key });
      expect(order.data?.createOrder ?? null).toBeNull();
      expect(order.errors?.[0]).toMatchObject(forbidden);
      const input = { customerId, sourceId: 'cnon:card-nonce-ok', amountMoney: usd(500), idempotencyKey: key() };
      const payment = await stack.gql(CreatePaymentDocument, { input }, { token: payments.key });
      expect(payment.errors?.[0]).toMatchObject(forbidden);
    }
    expect(await stack.calls()).toEqual([]);
  });

  it('while the same writes without a customer need only their own scope', async () => {
    const order = await stack.gql(CreateOrderDocument, { input: { lineItems: orderLines, idempotencyKey: key() } }, { token: orders.key });
    expect(order.data?.createOrder).toMatchObject({ __typename: 'CreateOrderSuccess', order: { state: 'OPEN' } });
    const input = { sourceId: 'cnon:card-nonce-ok', amountMoney: usd(500), idempotencyKey: key() };
    const payment = await stack.gql(CreatePaymentDocument, { input }, { token: payments.key });
    expect(payment.data?.createPayment).toMatchObject({ __typename: 'CreatePaymentSuccess' });
  });
});
