import type { SquareClient } from 'square';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CancelPaymentByIdempotencyKeyDocument,
  CancelPaymentDocument,
  ChargeCustomerDocument,
  CompletePaymentDocument,
  CreateCustomerDocument,
  CreateOrderDocument,
  CreatePaymentDocument,
  DeleteCustomerDocument,
  DisableCardDocument,
  LinkGiftCardToCustomerDocument,
  PayOrderDocument,
  RefundPaymentDocument,
  SaveCardDocument,
  UnlinkGiftCardFromCustomerDocument,
  UpdateCustomerDocument,
} from '../gql/graphql.js';
import { addFault, clearFaults, failAfterCommit, failBeforeCommit } from '../support/faults.js';
import { useGateway, type TestStack } from '../support/gateway.js';
import { key, newCard, newCustomer, newGiftCard, usd } from '../support/payments.js';

const money = (cents: number) => ({ amount: BigInt(cents), currency: 'USD' as const });

async function mainLocation(square: SquareClient): Promise<string> {
  return (await square.locations.list()).locations![0]!.id!;
}

/** An approved (authorized, not captured) card payment, straight through Square. */
async function approvedPayment(square: SquareClient, cents: number, extra: { orderId?: string; idempotencyKey?: string } = {}) {
  const { payment } = await square.payments.create({
    sourceId: 'cnon:card-nonce-ok',
    idempotencyKey: extra.idempotencyKey ?? key(),
    amountMoney: money(cents),
    autocomplete: false,
    ...(extra.orderId ? { orderId: extra.orderId } : {}),
  });
  return payment!.id!;
}

async function openOrder(square: SquareClient, cents: number): Promise<string> {
  const { order } = await square.orders.create({
    idempotencyKey: key(),
    order: { locationId: await mainLocation(square), lineItems: [{ name: 'Tea', quantity: '1', basePriceMoney: money(cents) }] },
  });
  return order!.id!;
}

async function customersWithReference(square: SquareClient, referenceId: string): Promise<number> {
  let count = 0;
  for await (const customer of await square.customers.list()) if (customer.referenceId === referenceId) count++;
  return count;
}

async function paymentsWithReference(square: SquareClient, referenceId: string): Promise<number> {
  let count = 0;
  for await (const payment of await square.payments.list({ limit: 100 })) if (payment.referenceId === referenceId) count++;
  return count;
}

async function ordersWithReference(square: SquareClient, referenceId: string): Promise<number> {
  const { orders } = await square.orders.search({ locationIds: [await mainLocation(square)], limit: 1000 });
  return (orders ?? []).filter((o) => o.referenceId === referenceId).length;
}

/**
 * One mutation under test: `run` sets up what it needs, sends it once through the gateway
 * with the emulator failing after the commit, and checks the one effect it had.
 */
interface Case {
  name: string;
  method: string;
  path: string;
  run(stack: TestStack): Promise<void>;
}

const CASES: Case[] = [
  {
    name: 'createCustomer',
    method: 'POST',
    path: '/v2/customers',
    async run(stack) {
      const referenceId = `c-${key().slice(0, 8)}`;
      const result = await stack.gql(CreateCustomerDocument, { input: { givenName: 'Once', referenceId, idempotencyKey: key() } });
      expect(result.data?.createCustomer).toMatchObject({ __typename: 'CreateCustomerSuccess', customer: { givenName: 'Once' } });
      expect(await customersWithReference(stack.square(), referenceId)).toBe(1);
    },
  },
  {
    name: 'updateCustomer with version',
    method: 'PUT',
    path: '/v2/customers/*',
    async run(stack) {
      const id = await newCustomer(stack.square());
      const result = await stack.gql(UpdateCustomerDocument, { input: { id, version: '0', familyName: 'Lovelace' } });
      expect(result.data?.updateCustomer).toEqual({
        __typename: 'UpdateCustomerSuccess',
        customer: { squareId: id, familyName: 'Lovelace', version: '1' },
      });
      expect((await stack.square().customers.get({ customerId: id })).customer?.version).toBe(1n);
    },
  },
  {
    name: 'updateCustomer without version',
    method: 'PUT',
    path: '/v2/customers/*',
    async run(stack) {
      const id = await newCustomer(stack.square());
      const result = await stack.gql(UpdateCustomerDocument, { input: { id, familyName: 'Byron', birthday: '12-10' } });
      expect(result.data?.updateCustomer).toMatchObject({ __typename: 'UpdateCustomerSuccess', customer: { familyName: 'Byron' } });
      // Updated once: a second update would have made it version 2.
      expect((await stack.square().customers.get({ customerId: id })).customer?.version).toBe(1n);
    },
  },
  {
    name: 'deleteCustomer',
    method: 'DELETE',
    path: '/v2/customers/*',
    async run(stack) {
      const id = await newCustomer(stack.square());
      const result = await stack.gql(DeleteCustomerDocument, { input: { id } });
      expect(result.data?.deleteCustomer).toEqual({ __typename: 'DeleteCustomerSuccess', deletedCustomerId: id });
      await expect(stack.square().customers.get({ customerId: id })).rejects.toMatchObject({ statusCode: 404 });
    },
  },
  {
    name: 'saveCard',
    method: 'POST',
    path: '/v2/cards',
    async run(stack) {
      const customerId = await newCustomer(stack.square());
      const input = { customerId, sourceId: 'cnon:card-nonce-ok', customerConsent: true, idempotencyKey: key() };
      const result = await stack.gql(SaveCardDocument, { input });
      expect(result.data?.saveCard).toMatchObject({ __typename: 'SaveCardSuccess', card: { enabled: true } });
      expect((await stack.square().cards.list({ customerId })).data).toHaveLength(1);
    },
  },
  {
    name: 'disableCard',
    method: 'POST',
    path: '/v2/cards/*/disable',
    async run(stack) {
      const cardId = await newCard(stack.square(), await newCustomer(stack.square()));
      const result = await stack.gql(DisableCardDocument, { input: { cardId } });
      expect(result.data?.disableCard).toEqual({ __typename: 'DisableCardSuccess', card: { squareId: cardId, enabled: false } });
    },
  },
  {
    name: 'createPayment',
    method: 'POST',
    path: '/v2/payments',
    async run(stack) {
      const referenceId = `p-${key().slice(0, 8)}`;
      const input = { sourceId: 'cnon:card-nonce-ok', amountMoney: usd(1200), referenceId, idempotencyKey: key() };
      const result = await stack.gql(CreatePaymentDocument, { input });
      expect(result.data?.createPayment).toMatchObject({ __typename: 'CreatePaymentSuccess', payment: { status: 'COMPLETED', referenceId } });
      expect(await paymentsWithReference(stack.square(), referenceId)).toBe(1);
    },
  },
  {
    name: 'chargeCustomer',
    method: 'POST',
    path: '/v2/payments',
    async run(stack) {
      const customerId = await newCustomer(stack.square());
      await newCard(stack.square(), customerId);
      const referenceId = `ch-${key().slice(0, 8)}`;
      const result = await stack.gql(ChargeCustomerDocument, { input: { customerId, amountMoney: usd(1300), referenceId, idempotencyKey: key() } });
      expect(result.data?.chargeCustomer).toMatchObject({ __typename: 'ChargeCustomerSuccess', payment: { status: 'COMPLETED', referenceId } });
      expect(await paymentsWithReference(stack.square(), referenceId)).toBe(1);
    },
  },
  {
    name: 'completePayment',
    method: 'POST',
    path: '/v2/payments/*/complete',
    async run(stack) {
      const paymentId = await approvedPayment(stack.square(), 1400);
      const result = await stack.gql(CompletePaymentDocument, { input: { paymentId } });
      expect(result.data?.completePayment).toMatchObject({ __typename: 'CompletePaymentSuccess', payment: { squareId: paymentId, status: 'COMPLETED' } });
    },
  },
  {
    name: 'cancelPayment',
    method: 'POST',
    path: '/v2/payments/*/cancel',
    async run(stack) {
      const paymentId = await approvedPayment(stack.square(), 1500);
      const result = await stack.gql(CancelPaymentDocument, { input: { paymentId } });
      expect(result.data?.cancelPayment).toMatchObject({ __typename: 'CancelPaymentSuccess', payment: { squareId: paymentId, status: 'CANCELED' } });
    },
  },
  {
    name: 'cancelPaymentByIdempotencyKey',
    method: 'POST',
    path: '/v2/payments/cancel',
    async run(stack) {
      const idempotencyKey = key();
      const paymentId = await approvedPayment(stack.square(), 1600, { idempotencyKey });
      const result = await stack.gql(CancelPaymentByIdempotencyKeyDocument, { input: { idempotencyKey } });
      expect(result.data?.cancelPaymentByIdempotencyKey).toEqual({ __typename: 'CancelPaymentByIdempotencyKeySuccess', canceled: true });
      expect((await stack.square().payments.get({ paymentId })).payment?.status).toBe('CANCELED');
    },
  },
  {
    name: 'refundPayment',
    method: 'POST',
    path: '/v2/refunds',
    async run(stack) {
      const { payment } = await stack.square().payments.create({ sourceId: 'cnon:card-nonce-ok', idempotencyKey: key(), amountMoney: money(1700) });
      const input = { paymentId: payment!.id!, amountMoney: usd(700), idempotencyKey: key() };
      const result = await stack.gql(RefundPaymentDocument, { input });
      expect(result.data?.refundPayment).toMatchObject({ __typename: 'RefundPaymentSuccess' });
      expect((await stack.square().payments.get({ paymentId: payment!.id! })).payment?.refundIds).toHaveLength(1);
    },
  },
  {
    name: 'createOrder',
    method: 'POST',
    path: '/v2/orders',
    async run(stack) {
      const referenceId = `o-${key().slice(0, 8)}`;
      const input = { referenceId, lineItems: [{ name: 'Cake', quantity: '2', basePriceMoney: usd(450) }], idempotencyKey: key() };
      const result = await stack.gql(CreateOrderDocument, { input });
      expect(result.data?.createOrder).toMatchObject({ __typename: 'CreateOrderSuccess', order: { state: 'OPEN', totalMoney: { amount: '900' } } });
      expect(await ordersWithReference(stack.square(), referenceId)).toBe(1);
    },
  },
  {
    name: 'payOrder',
    method: 'POST',
    path: '/v2/orders/*/pay',
    async run(stack) {
      const orderId = await openOrder(stack.square(), 1800);
      const paymentId = await approvedPayment(stack.square(), 1800, { orderId });
      const result = await stack.gql(PayOrderDocument, { input: { orderId, paymentIds: [paymentId], idempotencyKey: key() } });
      expect(result.data?.payOrder).toMatchObject({ __typename: 'PayOrderSuccess', order: { squareId: orderId, state: 'COMPLETED' } });
      expect((await stack.square().orders.get({ orderId })).order?.tenders).toHaveLength(1);
    },
  },
  {
    name: 'linkGiftCardToCustomer',
    method: 'POST',
    path: '/v2/gift-cards/*/link-customer',
    async run(stack) {
      const [giftCardId, customerId] = await Promise.all([newGiftCard(stack.square(), 2000), newCustomer(stack.square())]);
      const result = await stack.gql(LinkGiftCardToCustomerDocument, { input: { giftCardId, customerId } });
      expect(result.data?.linkGiftCardToCustomer).toEqual({
        __typename: 'LinkGiftCardToCustomerSuccess',
        giftCard: { squareId: giftCardId, customers: [{ squareId: customerId }] },
      });
    },
  },
  {
    name: 'unlinkGiftCardFromCustomer',
    method: 'POST',
    path: '/v2/gift-cards/*/unlink-customer',
    async run(stack) {
      const [giftCardId, customerId] = await Promise.all([newGiftCard(stack.square(), 2100), newCustomer(stack.square())]);
      await stack.square().giftCards.linkCustomer({ giftCardId, customerId });
      const result = await stack.gql(UnlinkGiftCardFromCustomerDocument, { input: { giftCardId, customerId } });
      expect(result.data?.unlinkGiftCardFromCustomer).toEqual({
        __typename: 'UnlinkGiftCardFromCustomerSuccess',
        giftCard: { squareId: giftCardId, customers: [] },
      });
    },
  },
];

describe.each(['drop', '500'] as const)('every mutation whose answer is lost after Square committed it (%s)', (mode) => {
  const stack = useGateway();
  afterEach(() => clearFaults(stack));

  it.each(CASES)('$name: one effect, reported as success', async (c) => {
    await failAfterCommit(stack, c.method, c.path, mode);
    await c.run(stack);
  });
});

describe('writes the SDK would have retried blindly', () => {
  const stack = useGateway({ maxRetries: 2 });
  afterEach(() => clearFaults(stack));
  const deletes = async () => (await stack.calls()).filter((c) => c.startsWith('DELETE /v2/customers/'));

  it('a delete answered 500 after it committed is not sent again, and reports success', async () => {
    const id = await newCustomer(stack.square());
    await failAfterCommit(stack, 'DELETE', '/v2/customers/*', '500');
    await stack.clearCalls();
    const result = await stack.gql(DeleteCustomerDocument, { input: { id } });
    expect(result.data?.deleteCustomer).toEqual({ __typename: 'DeleteCustomerSuccess', deletedCustomerId: id });
    expect(await deletes()).toHaveLength(1);
  });

  it('an update whose note quotes "idempotency_key is no keyed write: answered 500 after it committed, it is not sent again', async () => {
    const id = await newCustomer(stack.square());
    const note = 'Wants to know what "idempotency_key';
    await failAfterCommit(stack, 'PUT', '/v2/customers/*', '500');
    await stack.clearCalls();
    const result = await stack.gql(UpdateCustomerDocument, { input: { id, version: '0', note } });
    expect(result.data?.updateCustomer).toMatchObject({ __typename: 'UpdateCustomerSuccess', customer: { squareId: id, version: '1' } });
    expect((await stack.calls()).filter((c) => c.startsWith('PUT '))).toEqual([`PUT /v2/customers/${id}`]);
    expect((await stack.square().customers.get({ customerId: id })).customer).toMatchObject({ version: 1n, note });
  });

  it('a rate-limited write did nothing and is sent again, without a read to settle it', async () => {
    const id = await newCustomer(stack.square());
    await addFault(stack, { method: 'DELETE', path: '/v2/customers/*', status: 429, code: 'RATE_LIMITED', category: 'RATE_LIMIT_ERROR', count: 1 });
    await stack.clearCalls();
    const result = await stack.gql(DeleteCustomerDocument, { input: { id } });
    expect(result.data?.deleteCustomer).toEqual({ __typename: 'DeleteCustomerSuccess', deletedCustomerId: id });
    expect(await stack.calls()).toEqual([`DELETE /v2/customers/${id}`, `DELETE /v2/customers/${id}`]);
  });

  it('a delete answered 500 before it committed is sent again once Square shows the customer still there', async () => {
    const id = await newCustomer(stack.square());
    await failBeforeCommit(stack, 'DELETE', '/v2/customers/*');
    await stack.clearCalls();
    const result = await stack.gql(DeleteCustomerDocument, { input: { id } });
    expect(result.data?.deleteCustomer).toEqual({ __typename: 'DeleteCustomerSuccess', deletedCustomerId: id });
    expect(await deletes()).toHaveLength(2);
  });
});

describe('a payment that times out', () => {
  const stack = useGateway({ timeoutSeconds: 1 });
  afterEach(() => clearFaults(stack));

  it('is sent again with its key while Square is still on the first attempt: one payment, reported', async () => {
    await addFault(stack, { method: 'POST', path: '/v2/payments', latency_ms: 1500, count: 1 });
    const referenceId = `slow-${key().slice(0, 8)}`;
    const input = { sourceId: 'cnon:card-nonce-ok', amountMoney: usd(2300), referenceId, idempotencyKey: key() };
    const result = await stack.gql(CreatePaymentDocument, { input });
    expect(result.data?.createPayment).toMatchObject({ __typename: 'CreatePaymentSuccess', payment: { referenceId } });
    // The first attempt ends after the gateway gave up on it; it must find the payment the second one took.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await paymentsWithReference(stack.square(), referenceId)).toBe(1);
  });
});

describe('without retries', () => {
  const stack = useGateway({ maxRetries: 0 });
  afterEach(() => clearFaults(stack));

  it('a write Square shows did not take effect is not sent again: the client hears of the failure', async () => {
    const paymentId = await approvedPayment(stack.square(), 2200);
    await failBeforeCommit(stack, 'POST', '/v2/payments/*/complete');
    const result = await stack.gql(CompletePaymentDocument, { input: { paymentId } });
    expect(result.data?.completePayment ?? null).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    expect((await stack.square().payments.get({ paymentId })).payment?.status).toBe('APPROVED');
  });
});
