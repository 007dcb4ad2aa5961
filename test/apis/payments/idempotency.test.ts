import type { SquareClient } from 'square';
import { afterEach, describe, expect, it } from 'vitest';
import { clearFaults, failAfterCommit } from '../../support/faults.js';
import { key } from '../../support/fixtures.js';
import { useGateway } from '../../support/gateway.js';
import { CHARGE_CUSTOMER, CREATE_PAYMENT, REFUND_PAYMENT, newCard, newCustomer, usd } from '../../support/payments.js';

/** Every payment the emulator holds with this reference id, however many attempts made it. */
async function paymentsWithReference(square: SquareClient, referenceId: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const payment of await square.payments.list({ limit: 100 })) if (payment.referenceId === referenceId) ids.push(payment.id!);
  return ids;
}

describe('a response lost after Square took the payment', () => {
  const stack = useGateway();
  afterEach(() => clearFaults(stack));

  it('the gateway learns the outcome by sending the payment again with its key, and reports the one payment Square took', async () => {
    const referenceId = `drop-${key().slice(0, 8)}`;
    const input = { sourceId: 'cnon:card-nonce-ok', amountMoney: usd(4100), referenceId, idempotencyKey: key() };
    await failAfterCommit(stack, 'POST', '/v2/payments', 'drop');

    const result = await stack.gql(CREATE_PAYMENT, { input });
    expect(result.data.createPayment).toMatchObject({ __typename: 'CreatePaymentSuccess', payment: { status: 'COMPLETED', referenceId } });
    expect(await paymentsWithReference(stack.square(), referenceId)).toEqual([result.data.createPayment.payment.squareId]);
  });

  it('when the second answer is lost too, the client hears UPSTREAM_ERROR; its retry with the same key returns the one payment', async () => {
    const referenceId = `drop-${key().slice(0, 8)}`;
    const input = { sourceId: 'cnon:card-nonce-ok', amountMoney: usd(4200), referenceId, idempotencyKey: key() };
    await failAfterCommit(stack, 'POST', '/v2/payments', 'drop');
    await failAfterCommit(stack, 'POST', '/v2/payments', 'drop');

    const lost = await stack.gql(CREATE_PAYMENT, { input });
    expect(lost.data?.createPayment ?? null).toBeNull();
    expect(lost.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(JSON.stringify(lost)).not.toContain('cnon:card-nonce-ok');
    // The write went through although the client never heard of it.
    expect(await paymentsWithReference(stack.square(), referenceId)).toHaveLength(1);

    const retry = await stack.gql(CREATE_PAYMENT, { input });
    expect(retry.data.createPayment).toMatchObject({ __typename: 'CreatePaymentSuccess', payment: { status: 'COMPLETED', referenceId } });
    expect(await paymentsWithReference(stack.square(), referenceId)).toEqual([retry.data.createPayment.payment.squareId]);

    const again = await stack.gql(CREATE_PAYMENT, { input });
    expect(again.data.createPayment.payment.squareId).toBe(retry.data.createPayment.payment.squareId);
  });

  it('a retried charge with the same key and another amount is a ConflictError, not a second charge', async () => {
    const customerId = await newCustomer(stack.square());
    await newCard(stack.square(), customerId);
    const referenceId = `charge-${key().slice(0, 8)}`;
    const input = { customerId, amountMoney: usd(1800), referenceId, idempotencyKey: key() };
    await failAfterCommit(stack, 'POST', '/v2/payments', 'drop');
    const first = await stack.gql(CHARGE_CUSTOMER, { input });
    expect(first.data.chargeCustomer).toMatchObject({ __typename: 'ChargeCustomerSuccess', payment: { amountMoney: { amount: '1800' } } });

    const changed = await stack.gql(CHARGE_CUSTOMER, { input: { ...input, amountMoney: usd(1900) } });
    expect(changed.data.chargeCustomer).toMatchObject({ __typename: 'ConflictError', code: 'IDEMPOTENCY_KEY_REUSED' });
    const same = await stack.gql(CHARGE_CUSTOMER, { input });
    expect(same.data.chargeCustomer).toMatchObject({ __typename: 'ChargeCustomerSuccess', payment: { amountMoney: { amount: '1800' } } });
    expect(same.data.chargeCustomer.payment.squareId).toBe(first.data.chargeCustomer.payment.squareId);
    expect(await paymentsWithReference(stack.square(), referenceId)).toEqual([same.data.chargeCustomer.payment.squareId]);
  });

  it('a full refund whose answer was lost is reported, and so is a retry of it, though nothing is left to refund', async () => {
    const paid = await stack.gql(CREATE_PAYMENT, { input: { sourceId: 'cnon:card-nonce-ok', amountMoney: usd(900), idempotencyKey: key() } });
    const paymentId = paid.data.createPayment.payment.squareId;
    const input = { paymentId, amountMoney: usd(900), idempotencyKey: key() };
    await failAfterCommit(stack, 'POST', '/v2/refunds', 'drop');
    const first = await stack.gql(REFUND_PAYMENT, { input });
    expect(first.data.refundPayment).toMatchObject({ __typename: 'RefundPaymentSuccess', refund: { payment: { refundedMoney: { amount: '900' } } } });

    const retry = await stack.gql(REFUND_PAYMENT, { input });
    expect(retry.data.refundPayment).toMatchObject({ __typename: 'RefundPaymentSuccess', refund: { payment: { refundedMoney: { amount: '900' } } } });
    const { payment } = await stack.square().payments.get({ paymentId });
    expect(payment?.refundIds).toEqual([first.data.refundPayment.refund.squareId]);
    expect(retry.data.refundPayment.refund.squareId).toBe(first.data.refundPayment.refund.squareId);
  });
});

describe('the gateway’s own retries', () => {
  const stack = useGateway({ maxRetries: 2 });
  afterEach(() => clearFaults(stack));

  it('retry a payment answered with 500 after it was taken, and Square keeps one payment', async () => {
    const referenceId = `retry-${key().slice(0, 8)}`;
    await failAfterCommit(stack, 'POST', '/v2/payments', '500');
    const result = await stack.gql(CREATE_PAYMENT, {
      input: { sourceId: 'cnon:card-nonce-ok', amountMoney: usd(3100), referenceId, idempotencyKey: key() },
    });
    expect(result.data.createPayment).toMatchObject({ __typename: 'CreatePaymentSuccess', payment: { referenceId } });
    expect((await stack.calls()).filter((c) => c === 'POST /v2/payments')).toHaveLength(2);
    expect(await paymentsWithReference(stack.square(), referenceId)).toEqual([result.data.createPayment.payment.squareId]);
  });
});
